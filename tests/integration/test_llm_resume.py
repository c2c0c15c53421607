#!/usr/bin/python3
"""kill -9 kagentd during the repair loop, start it again: the job resumes
without repeating a finished round. Round 0's program crashes, repair
round 1's program crashes too, and kagentd is killed while repair round 2
waits for the LLM. After the restart the job asks for round 2 again (the
interrupted call) and nothing earlier: plan, write and round 1 went to the LLM
once, each failed program ran once, and the fixed program of round 2 trains."""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Checks, Server  # noqa: E402
from llm_lib import Standin, forget_keys, llm_server, reply_file  # noqa: E402

KEY = "sk-ant-api03-RESUME-SECRET-11aa"


def main():
    c = Checks()
    standin = Standin(KEY)
    standin.script({"plan": [reply_file("good_plan.json")],
                    "write": [reply_file("crash_solution.py")],
                    "repair-1": [reply_file("crash_solution.py")],
                    # The first call of round 2 hangs until kagentd is gone.
                    "repair-2": [dict(reply_file("good_solution.py"), delay=60),
                                 reply_file("good_solution.py")]})
    data = tempfile.mkdtemp(prefix="kagent-llm-resume-")
    os.chmod(data, 0o755)
    srv = llm_server(standin, data_dir=data, extra=["--llm-timeout=120"])
    srv2 = None
    try:
        srv.start(timeout=120)
        job = srv.submit("iris-species")
        deadline = time.time() + 180
        while time.time() < deadline and not standin.counts().get("repair-2"):
            time.sleep(0.2)
        c.equal(standin.counts().get("repair-2"), 1, "repair round 2 is waiting for the LLM")
        srv.kill9()

        srv2 = Server(data_dir=data)
        srv2.port, srv2.args = srv.port, srv.args
        srv2.start(timeout=120)
        forget_keys()
        st = srv2.wait_done(job, timeout=240)
        c.equal(st["status"], "success", f"the job succeeds after the restart ({st.get('error_message')})")
        meta = st["metadata"]
        c.equal(meta.get("repair_rounds"), 2, "two repair rounds in all")
        c.equal(meta.get("chosen_model"), "decision_tree", "round 2's program trained")
        c.check("program_fallback" not in meta, "no template fallback")
        counts = standin.counts()
        for task, n in (("plan", 1), ("write", 1), ("repair-1", 1), ("repair-2", 2)):
            c.equal(counts.get(task), n, f"{task} went to the LLM {n} time(s)")
        logs = srv2.get(f"/logs/{job}").json()["logs"]
        c.equal(logs.count("standin-program crash"), 2,
                "the failed programs of rounds 0 and 1 ran once each")
        c.equal(logs.count("standin-program good"), 1, "the fixed program ran once")
        c.check("resuming at train" in logs, "the job says where it resumed")
        for stage in ("analyze", "plan", "generate"):
            c.equal(logs.count(f"[{stage}] stage_started"), 1, f"{stage} ran once across the crash")
        c.equal(srv2.get(f"/result/{job}/submission.csv").status, 200, "the submission is served")
    finally:
        if srv2:
            c.equal(srv2.stop(), 0, "kagentd exits 0 on SIGTERM")
        if srv.proc and srv.proc.poll() is None:
            srv.stop()
        standin.stop()
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
