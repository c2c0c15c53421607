#!/usr/bin/python3
"""Resume must not write through a stage's symlinks: a train stage replaces
the committed plan.json in its job directory with a symlink to a host file,
kagentd is killed (-9) and started again, and restoring the checkpoints
must leave the host file alone (the link is replaced by a regular file).
Runs on the embedded PostgreSQL so the restart sees only this job."""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from security_lib import (Checks, attack_lines, attack_server, host_file,  # noqa: E402
                          make_attack_mirror, read, wait_for_line)


def main():
    c = Checks()
    host = tempfile.mkdtemp(prefix="kagent-host-")
    os.chmod(host, 0o755)
    target = host_file(host, "target", "original\n")
    mirror = make_attack_mirror({"symlink-restore": f"train symlink-restore {target}"})
    data = tempfile.mkdtemp(prefix="kagent-restore-")
    os.chmod(data, 0o755)
    srv = attack_server(mirror, "bwrap", data_dir=data, database_url="").start(timeout=120)
    try:
        job = srv.submit("symlink-restore")
        c.check(wait_for_line(srv, job, "symlink-restore", timeout=120), "the link was planted")
        srv.kill9()
        again = attack_server(mirror, "bwrap", data_dir=data, database_url="")
        again.port, again.args = srv.port, srv.args
        again.start(timeout=120)
        try:
            # Resumed at train: the checkpoints are restored, then train runs again.
            deadline = time.time() + 60
            while time.time() < deadline and len(attack_lines(again, job, "symlink-restore")) < 2:
                time.sleep(0.2)
            c.check(len(attack_lines(again, job, "symlink-restore")) >= 2,
                    "the job resumed and its train stage ran again")
            c.equal(read(target), "original\n", "restoring plan.json left the host file alone")
            again.request("DELETE", f"/jobs/{job}")
        finally:
            again.stop()
    finally:
        if srv.proc.poll() is None:
            srv.stop()
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
