#!/usr/bin/python3
"""docs/OPERATIONS.md's backup and restore, as written there: pg_dump of the
embedded database while kagentd runs, a fresh data dir started once, the dump
restored over its schema, and kagentd started on it: finished jobs keep their
status and submission, and a job that was queued at the dump runs to success."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import Checks, Server, make_mirror  # noqa: E402

PG = "/usr/lib/postgresql/15/bin"


def as_postgres(cmd):
    """As root the embedded cluster belongs to postgres (OPERATIONS.md says so)."""
    return ["runuser", "-u", "postgres", "--"] + cmd if os.getuid() == 0 else cmd


def run(cmd):
    # No pipes: the server pg_ctl starts would hold them open, and run() wait for EOF.
    return subprocess.run(as_postgres(cmd), check=True, stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    c = Checks()
    mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-mirror-"), {
        "quick": "",
        "long-train": "sleep train 30",
    })
    root = tempfile.mkdtemp(prefix="kagent-backup-")
    os.chmod(root, 0o755)
    old_dir, new_dir = os.path.join(root, "old"), os.path.join(root, "new")
    dump = os.path.join(root, "kagent.dump")
    for d in (old_dir, new_dir):
        os.makedirs(d)
        os.chmod(d, 0o755)
    common = dict(competitions=mirror, database_url="", extra=["--max-running=1"])

    old = Server(data_dir=old_dir, **common).start(timeout=120)
    try:
        done_job = old.submit("quick")
        c.equal(old.wait_done(done_job)["status"], "success", "a job finishes before the backup")
        submission = old.get(f"/result/{done_job}/submission.csv").body
        busy = old.submit("long-train")  # holds the one slot
        old.wait_for(busy, lambda s: s["status"] == "running", timeout=60)
        queued = old.submit("quick")
        c.equal(old.get(f"/status/{queued}").json()["status"], "queued", "one job waits")
        # pg_dump -h <pg-dir>/sock -U kagent -Fc kagent, while kagentd runs
        out = subprocess.run(as_postgres([f"{PG}/pg_dump", "-h", f"{old_dir}/pg/sock",
                                          "-U", "kagent", "-Fc", "kagent"]),
                             check=True, capture_output=True).stdout
        with open(dump, "wb") as f:
            f.write(out)
        c.check(len(out) > 1000, f"pg_dump wrote the database ({len(out)} bytes)")
    finally:
        old.stop()

    # A fresh data dir, started once (cluster and schema), then stopped.
    new = Server(data_dir=new_dir, **common).start(timeout=120)
    c.equal(new.get(f"/status/{done_job}").status, 404, "the fresh server knows no job")
    new.stop()
    os.chmod(dump, 0o644)
    run([f"{PG}/pg_ctl", "-D", f"{new_dir}/pg", "-l", f"{new_dir}/pg/restore.log", "-o",
         f"-k {new_dir}/pg/sock -c listen_addresses=''", "-w", "start"])
    try:
        run([f"{PG}/pg_restore", "-h", f"{new_dir}/pg/sock", "-U", "kagent", "-d", "kagent",
             "--clean", "--if-exists", dump])
    finally:
        run([f"{PG}/pg_ctl", "-D", f"{new_dir}/pg", "-w", "stop"])

    restored = Server(data_dir=new_dir, **common).start(timeout=120)
    try:
        st = restored.get(f"/status/{done_job}")
        c.equal(st.status, 200, "the finished job is back")
        c.equal(st.json()["status"], "success", "with its status")
        c.equal(restored.get(f"/result/{done_job}/submission.csv").body, submission,
                "and its submission, byte for byte")
        c.equal(restored.wait_done(busy, timeout=120)["status"], "success",
                "the job that was running at the dump resumes and succeeds")
        c.equal(restored.wait_done(queued, timeout=120)["status"], "success",
                "the job that was queued at the dump runs and succeeds")
    finally:
        restored.stop()
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
