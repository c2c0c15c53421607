#!/usr/bin/python3
"""DELETE /jobs/{id} during each of the four stages (analyze, plan, generate,
train): the job ends cancelled, every process of its sandbox is gone, no
submission is left behind, and the cancel is the job's last event. Prints how
long each cancel took; the bound asserted is generous (timings are noisy here),
the figure itself is what to read."""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import DATABASE_URL, Checks, Server, make_mirror, psql  # noqa: E402

STAGES = ("analyze", "plan", "generate", "train")


def processes_of(job_id):
    """Pids whose command line or cgroup (a stage's is named after its job) has job_id."""
    out = subprocess.run(["pgrep", "-f", job_id], capture_output=True, text=True).stdout
    pids = set(p for p in out.split() if p)
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cgroup") as f:
                if job_id in f.read():
                    pids.add(pid)
        except OSError:
            pass
    return sorted(pids)


def stage_of(status):
    return (status.get("metadata") or {}).get("stage")


def wait_until(pred, timeout, step=0.02):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(step)
    return pred()


def cancel_in_stage(c, srv, stage):
    job = srv.submit(f"sleep-{stage}")
    # The stage is running once its status says so and its sandbox process exists.
    srv.wait_for(job, lambda s: s["status"] == "running" and stage_of(s) == stage, timeout=60)
    c.check(wait_until(lambda: processes_of(job), 10), f"{stage}: the stage's process is running")
    t0 = time.time()
    r = srv.request("DELETE", f"/jobs/{job}")
    c.equal(r.status, 200, f"{stage}: DELETE answers 200")
    gone = wait_until(lambda: not processes_of(job), 10)
    took = time.time() - t0
    print(f"{stage}: process group gone {took * 1000:.0f} ms after DELETE", flush=True)
    c.check(gone, f"{stage}: no process of the job is left")
    c.check(took < 3, f"{stage}: processes gone soon after the cancel ({took:.2f} s)")
    st = srv.wait_done(job, timeout=10)
    c.equal(st["status"], "cancelled", f"{stage}: status is cancelled")
    c.equal(stage_of(st), stage, f"{stage}: status keeps the stage it was cancelled in")
    r = srv.get(f"/result/{job}/submission.csv")
    c.equal(r.status, 400, f"{stage}: no submission for a cancelled job")
    last = psql(f"SELECT kind, message FROM job_events WHERE job_id = '{job}' "
                "ORDER BY seq DESC LIMIT 1")
    c.check(last and last[0][0] == "status" and "cancelled" in last[0][1],
            f"{stage}: the last event is the cancelled status ({last})")
    c.equal(srv.request("DELETE", f"/jobs/{job}").status, 200, f"{stage}: cancel again is 200")
    # Nothing resumes a cancelled job: it stays cancelled.
    time.sleep(1.5)
    c.equal(srv.get(f"/status/{job}").json()["status"], "cancelled", f"{stage}: stays cancelled")


def main():
    if not DATABASE_URL:
        print("KAGENT_TEST_DATABASE_URL is not set: run scripts/test.sh", flush=True)
        return 1
    c = Checks()
    mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-mirror-"),
                         {f"sleep-{s}": f"sleep {s} 60" for s in STAGES})
    srv = Server(competitions=mirror, extra=["--max-running=2"]).start()
    try:
        for stage in STAGES:
            cancel_in_stage(c, srv, stage)
    finally:
        srv.stop()
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
