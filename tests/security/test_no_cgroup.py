#!/usr/bin/python3
"""Where no cgroup can be made, stages would be unbounded, so kagentd says
so: with --cgroup=required it refuses to start, --sandbox=process (whose
daemons only a cgroup can end) refuses too, and by default it starts but
/health names the missing bound. The host without cgroups is made by
unmounting /sys/fs/cgroup in a private mount namespace around kagentd."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from security_lib import Checks, Server, attack_server, make_attack_mirror  # noqa: E402

HIDE_CGROUPS = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                "umount -l /sys/fs/cgroup/* 2>/dev/null; umount -l /sys/fs/cgroup; exec \"$@\"",
                "sh"]


def without_cgroups(srv):
    srv.args = HIDE_CGROUPS + srv.args
    return srv


def refused(srv):
    """kagentd's exit code and last stderr line; (None, ...) if it kept running."""
    try:
        proc = subprocess.run(srv.args, capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return None, "it kept running"
    return proc.returncode, (proc.stderr.strip().splitlines() or [""])[-1]


def main():
    c = Checks()
    mirror = make_attack_mirror({"identity": "train identity"})
    code, err = refused(without_cgroups(attack_server(mirror, "bwrap", ["--cgroup=required"])))
    c.equal(code, 2, "--cgroup=required without a cgroup: kagentd refuses to start")
    c.check("no cgroup" in err, f"and says why ({err})")
    code, err = refused(without_cgroups(attack_server(mirror, "process")))
    c.equal(code, 2, "--sandbox=process without a cgroup: kagentd refuses to start")
    c.check("needs a cgroup" in err, f"and says why ({err})")

    srv = without_cgroups(attack_server(mirror, "bwrap")).start()
    try:
        health = srv.get("/health").json()
        limits = health["services"].get("sandbox_limits", "")
        c.check("WARNING no cgroup" in limits, f"/health names the missing bound ({limits})")
        job = srv.submit("identity")
        c.equal(srv.wait_done(job, timeout=120)["status"], "success", "stages still run")
    finally:
        srv.stop()

    srv = attack_server(mirror, "bwrap").start()
    try:
        limits = srv.get("/health").json()["services"].get("sandbox_limits", "")
        c.check("cgroup" in limits and "tasks per stage" in limits and "WARNING" not in limits,
                f"with cgroups /health names the bounds ({limits})")
    finally:
        srv.stop()
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
