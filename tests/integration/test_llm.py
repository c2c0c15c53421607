#!/usr/bin/python3
"""The LLM planner and code writer end to end: a real kagentd (real stages,
bwrap, real PostgreSQL) against the stand-in LLM server, both dialects.

- the LLM path (plan + program) produces a solution that trains and validates;
- the repair loop fixes a crashing program in round 2;
- an invalid LLM plan falls back to the rule plan, with the reason;
- after the last repair round the template program runs and the job says so;
- 429 with retry-after, 529 overloaded and a timed-out reply are retried;
- the key reaches the LLM (added by kagentd's proxy) and nothing else: not the
  train sandbox (its program prints its environment and probes the socket and
  the network), not the logs, the job directories or the database.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import DATABASE_URL, Checks, psql  # noqa: E402
from llm_lib import (MODEL, Standin, files_holding, forget_keys, llm_server,  # noqa: E402
                     probe_program, reply_file)

KEY = "sk-ant-api03-STANDIN-SECRET-7f3a9c"
SLUG = "iris-species"


def logs_of(srv, job):
    return srv.get(f"/logs/{job}").json()["logs"]


def run_job(srv, c, what, timeout=240):
    job = srv.submit(SLUG)
    st = srv.wait_done(job, timeout=timeout)
    c.equal(st["status"], "success", f"{what}: the job succeeds ({st.get('error_message')})")
    return job, st


def key_nowhere(c, srv, standin, what):
    c.equal(files_holding(srv.data_dir, KEY), [], f"{what}: the key is in no file of the data "
                                                  "dir (job dirs, kagentd's log)")
    if DATABASE_URL:
        rows = psql("SELECT (SELECT count(*) FROM job_stage_files WHERE position("
                    f"convert_to('{KEY}', 'UTF8') in content) > 0) + (SELECT count(*) FROM "
                    f"job_events WHERE message LIKE '%{KEY}%') + (SELECT count(*) FROM jobs WHERE "
                    f"metadata::text LIKE '%{KEY}%' OR error LIKE '%{KEY}%')")
        c.equal(rows[0][0], "0", f"{what}: the key is nowhere in the database")


def main():
    c = Checks()
    standin = Standin(KEY)
    srv = llm_server(standin, extra=["--llm-timeout=4"])
    try:
        srv.start(timeout=120)
        forget_keys()  # kagentd has read it; the test's own children never need it

        # 1. The LLM path, with a program that probes its sandbox.
        standin.script({"plan": [reply_file("good_plan.json")],
                        "write": [probe_program(srv.data_dir, standin)]})
        job, st = run_job(srv, c, "llm path")
        meta = st["metadata"]
        c.equal(meta.get("planner"), f"llm:{MODEL}", "llm path: the LLM planned")
        c.equal(meta.get("writer"), f"llm:{MODEL}", "llm path: the LLM wrote the program")
        c.equal(meta.get("repair_rounds"), 0, "llm path: no repair round")
        tokens = meta.get("llm_tokens") or {}
        c.check(tokens.get("input", 0) > 1000 and tokens.get("output", 0) > 10,
                f"llm path: tokens used are recorded ({tokens})")
        c.equal(meta.get("chosen_model"), "decision_tree", "llm path: the LLM's program trained")
        c.equal(srv.get(f"/result/{job}/submission.csv").status, 200, "llm path: submission served")
        plan = json.load(open(os.path.join(srv.data_dir, "jobs", job, "plan.json")))
        c.equal([x["name"] for x in plan["candidates"]], ["gbm_fast", "logreg", "trees"],
                "llm path: plan.json holds the LLM's candidates")
        reqs = standin.requests()
        c.equal(sorted(r["task"] for r in reqs), ["plan", "write"], "llm path: one call per stage")
        c.check(all(r["headers"].get("x-api-key") == KEY for r in reqs),
                "llm path: every request reached the LLM with the key (added by the proxy)")
        c.check(all(r["headers"].get("anthropic-version") == "2023-06-01" for r in reqs),
                "llm path: anthropic-version sent")
        logs = logs_of(srv, job)
        c.check("probe: environ {" in logs, "probe: the train program printed its environment")
        c.check("probe: proc environ b'" in logs, "probe: and /proc/self/environ")
        c.check("probe: socket /run/kagent/llm.sock unreachable" in logs,
                "train sandbox: no proxy socket")
        c.check("llm.sock unreachable" in logs.split("probe: socket /run/kagent/llm.sock")[-1],
                "train sandbox: the host socket path is unreachable too")
        c.check("probe: tcp unreachable" in logs, "train sandbox: no network to the LLM's port")
        c.check("ANTHROPIC" not in logs and KEY not in logs, "train sandbox: no key in its env")
        key_nowhere(c, srv, standin, "llm path")

        # 2. An invalid plan falls back to the rules; the program still comes from the LLM.
        standin.script({"plan": [reply_file("invalid_plan.json")],
                        "write": [reply_file("good_solution.py")]})
        job, st = run_job(srv, c, "invalid plan")
        meta = st["metadata"]
        c.equal(meta.get("planner"), "rules", "invalid plan: the rule planner's plan is used")
        c.check("unknown model 'deep_forest'" in meta.get("planner_fallback", ""),
                f"invalid plan: the reason is in the status ({meta.get('planner_fallback')})")
        plan = json.load(open(os.path.join(srv.data_dir, "jobs", job, "plan.json")))
        c.check("deep_forest" in plan.get("planner_fallback", ""),
                "invalid plan: and in plan.json")
        c.equal(plan["candidates"][0]["name"], "hgb", "invalid plan: the rule candidates")

        # 3. A crashing program is fixed in round 2 (the first repair round).
        standin.script({"plan": [reply_file("good_plan.json")],
                        "write": [reply_file("crash_solution.py")],
                        "repair-1": [reply_file("good_solution.py")]})
        job, st = run_job(srv, c, "repair")
        meta = st["metadata"]
        c.equal(meta.get("repair_rounds"), 1, "repair: one repair round")
        c.equal(meta.get("chosen_model"), "decision_tree", "repair: the fixed program trained")
        c.check("program_fallback" not in meta, "repair: no template fallback")
        repair = [r for r in standin.requests() if r["task"] == "repair"]
        c.equal(len(repair), 1, "repair: one repair request")
        c.check(repair and "ZeroDivisionError: division by zero" in repair[0]["user"]
                and "Traceback" in repair[0]["user"],
                "repair: the program's error output went to the LLM")
        logs = logs_of(srv, job)
        c.equal(logs.count("standin-program crash"), 1, "repair: the crashing program ran once")
        c.equal(logs.count("standin-program good"), 1, "repair: the fixed program ran once")
        c.check("repair round 1 of 2" in logs, "repair: the job says which round")

        # 4. Every round fails: the template program runs and the job says so.
        standin.script({"plan": [reply_file("good_plan.json")],
                        "write": [reply_file("crash_solution.py")],
                        "repair-1": [reply_file("crash_solution.py")],
                        "repair-2": [{"text": "I cannot fix this program."}]})
        job, st = run_job(srv, c, "fallback")
        meta = st["metadata"]
        c.equal(meta.get("repair_rounds"), 2, "fallback: both repair rounds ran")
        c.check("template program runs instead" in meta.get("program_fallback", ""),
                f"fallback: the status says the template ran ({meta.get('program_fallback')})")
        c.check(meta.get("chosen_model") not in (None, "decision_tree"),
                f"fallback: the template's model was chosen ({meta.get('chosen_model')})")
        c.check("the template program runs instead" in logs_of(srv, job),
                "fallback: the events say so")

        # 5. 429 with retry-after, 529 overloaded and a reply past the timeout.
        standin.script({"plan": [{"status": 429, "retry_after": "1"}, {"status": 529},
                                 reply_file("good_plan.json")],
                        "write": [dict(reply_file("good_solution.py"), delay=8),
                                  reply_file("good_solution.py")]})
        job, st = run_job(srv, c, "retries")
        c.equal(st["metadata"].get("planner"), f"llm:{MODEL}", "retries: the plan came through")
        c.equal(st["metadata"].get("writer"), f"llm:{MODEL}", "retries: the program came through")
        counts = standin.counts()
        c.equal(counts.get("plan"), 3, "retries: 429, 529, then the plan")
        c.equal(counts.get("write"), 2, "retries: the timed-out write was sent again")
        plan = json.load(open(os.path.join(srv.data_dir, "jobs", job, "plan.json")))
        waits = plan["llm"]["retry_waits_seconds"]
        c.check(len(waits) == 2 and waits[0] == 1.0 and 0.7 <= waits[1] <= 1.0,
                f"retries: retry-after honoured, then backoff ({waits})")
        key_nowhere(c, srv, standin, "all anthropic jobs")
    finally:
        c.equal(srv.stop(), 0, "kagentd exits 0 on SIGTERM")
        c.check(not os.path.exists(os.path.join(srv.data_dir, "run", "llm.sock")),
                "the proxy socket is removed at shutdown")

    # 6. The OpenAI dialect (llama.cpp, vLLM, Ollama speak it).
    srv = llm_server(standin, dialect="openai")
    try:
        srv.start(timeout=120)
        forget_keys()
        standin.script({"plan": [reply_file("good_plan.json")],
                        "write": [reply_file("good_solution.py")]})
        job, st = run_job(srv, c, "openai")
        c.equal(st["metadata"].get("planner"), f"llm:{MODEL}", "openai: the LLM planned")
        c.equal(st["metadata"].get("writer"), f"llm:{MODEL}", "openai: the LLM wrote")
        reqs = standin.requests()
        c.check(reqs and all(r["path"] == "/v1/chat/completions" and
                             r["headers"].get("authorization") == f"Bearer {KEY}" for r in reqs),
                "openai: chat completions with the bearer key")
        key_nowhere(c, srv, standin, "openai")
    finally:
        srv.stop()
        standin.stop()
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
