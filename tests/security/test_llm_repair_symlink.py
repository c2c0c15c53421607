#!/usr/bin/python3
"""The repair loop must not write through a program's symlinks: the
LLM-written program plants train_error_0.txt in its job directory as a
symlink to a host file and crashes. kagentd writes the error output for the
repair stage into the job directory: the link must be replaced by a regular
file (the repair request still carries the error output), and the host file
left alone. Real kagentd, bwrap, the stand-in LLM."""
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from harness import Checks  # noqa: E402
from llm_lib import REPLIES, Standin, forget_keys, llm_server, reply_file  # noqa: E402

KEY = "sk-ant-api03-SYMLINK-SECRET-5e1d"


def main():
    c = Checks()
    host = tempfile.mkdtemp(prefix="kagent-host-")
    os.chmod(host, 0o755)
    target = os.path.join(host, "target")
    with open(target, "w") as f:
        f.write("original\n")
    standin = Standin(KEY)
    program = open(os.path.join(REPLIES, "plant_error_link.py")).read()
    planted = os.path.join(standin.dir, "plant_error_link.py")
    with open(planted, "w") as f:
        f.write(program.replace("__HOST_TARGET__", target))
    standin.script({"plan": [reply_file("good_plan.json")], "write": [{"file": planted}],
                    "repair-1": [reply_file("good_solution.py")]})
    srv = llm_server(standin)
    try:
        srv.start(timeout=120)
        forget_keys()
        job = srv.submit("iris-species")
        st = srv.wait_done(job, timeout=240)
        c.equal(st["status"], "success", f"the job succeeds ({st.get('error_message')})")
        c.equal(st["metadata"].get("repair_rounds"), 1, "one repair round")
        logs = srv.get(f"/logs/{job}").json()["logs"]
        c.check("standin-program plants a link" in logs, "the program planted its link")
        with open(target) as f:
            c.equal(f.read(), "original\n", "the host file behind the link is untouched")
        written = os.path.join(srv.data_dir, "jobs", job, "train_error_0.txt")
        c.check(os.path.isfile(written) and not os.path.islink(written),
                "train_error_0.txt is a regular file now")
        repair = [r for r in standin.requests() if r["task"] == "repair"]
        c.check(repair and "crash after planting the link" in repair[0]["user"],
                "the repair request still carries the program's error output")
    finally:
        c.equal(srv.stop(), 0, "kagentd exits 0 on SIGTERM")
        standin.stop()
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
