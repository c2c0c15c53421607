#!/usr/bin/python3
"""kill -9 kagentd while a job trains; start it again: the job goes on from
train without rerunning analyze/plan/generate and succeeds, and every job that
was queued at the crash still runs. Runs on the embedded PostgreSQL, as a
newcomer's server would."""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Checks, Server, make_mirror  # noqa: E402


def main():
    c = Checks()
    mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-mirror-"), {
        "long-train": "sleep train 6",
        "quick": "",
    })
    data = tempfile.mkdtemp(prefix="kagent-resume-")
    os.chmod(data, 0o755)
    args = dict(data_dir=data, competitions=mirror, database_url="",
                extra=["--max-running=1"])
    srv = Server(**args).start(timeout=120)
    try:
        long_job = srv.submit("long-train")
        queued = [srv.submit("quick") for _ in range(3)]
        srv.wait_for(long_job, lambda s: s["metadata"].get("stage") == "train", timeout=60)
        time.sleep(1.5)  # well inside the train stage
        srv.kill9()

        srv2 = Server(**args)
        srv2.port = srv.port
        srv2.args = srv.args
        srv2.start(timeout=120)
        try:
            st = srv2.wait_done(long_job, timeout=120)
            c.equal(st["status"], "success", "the interrupted job succeeds after the restart")
            logs = srv2.get(f"/logs/{long_job}").json()["logs"]
            for stage, runs in (("analyze", 1), ("plan", 1), ("generate", 1)):
                started = logs.count(f"[{stage}] stage_started")
                c.equal(started, runs, f"{stage} ran once across the crash")
            c.check(logs.count("[train] stage_started") >= 2, "train started again after the crash")
            c.check("resuming at train" in logs, "the job says where it resumed")
            for j in queued:
                c.equal(srv2.wait_done(j, timeout=120)["status"], "success",
                        "a job queued at the crash runs after the restart")
            r = srv2.get(f"/result/{long_job}/submission.csv")
            c.equal(r.status, 200, "the resumed job's submission is served")
        finally:
            c.equal(srv2.stop(), 0, "kagentd exits 0 on SIGTERM")
    finally:
        if srv.proc.poll() is None:
            srv.stop()
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
