#!/usr/bin/python3
"""The HTTP API against the real server and a real PostgreSQL: every endpoint,
every status code of docs/API.md, bad input that must change nothing."""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import DATABASE_URL, Checks, Server, make_mirror, pg_ctl, psql  # noqa: E402

URL = "https://www.kaggle.com/competitions/{}"


def main():
    if not DATABASE_URL:
        print("KAGENT_TEST_DATABASE_URL is not set: run scripts/test.sh", flush=True)
        return 1
    c = Checks()
    mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-mirror-"), {
        "quick": "",
        "slow": "sleep train 30",
        "broken": "fail plan",
    })
    srv = Server(competitions=mirror, extra=["--max-queued=3", "--max-running=1",
                                             "--retry-after=7"]).start()
    try:
        run_checks(c, srv)
    finally:
        srv.stop()
    return c.finish()


def count_jobs():
    return int(psql("SELECT count(*) FROM jobs")[0][0])


def run_checks(c, srv):
    # --- health -------------------------------------------------------------
    r = srv.get("/health")
    c.equal(r.status, 200, "health status")
    h = r.json()
    c.equal(h["status"], "healthy", "health body")
    c.equal(h["services"]["database"], "ok", "health database")
    c.check("queue_length" in h and "timestamp" in h, "health has queue_length and timestamp")

    # --- POST /run: a job that succeeds ------------------------------------
    r = srv.post_json("/run", {"kaggle_url": URL.format("quick")})
    c.equal(r.status, 201, "POST /run status")
    body = r.json()
    c.equal(set(body), {"job_id", "status", "created_at", "message"}, "POST /run fields")
    c.equal(body["status"], "queued", "POST /run says queued")
    job = body["job_id"]
    # Durable before the 201: the row is there, in the database, right now.
    c.equal(psql(f"SELECT competition FROM jobs WHERE id = '{job}'"), [["quick"]],
            "job row committed before 201")
    done = srv.wait_done(job)
    c.equal(done["status"], "success", "quick job succeeds")
    for key in ("job_id", "kaggle_url", "competition_name", "status", "created_at",
                "started_at", "completed_at", "progress", "metadata"):
        c.check(key in done, f"status has {key}")
    c.equal(done["competition_name"], "quick", "competition_name")
    c.check(done["metadata"].get("chosen_model") == "fake", "metadata has the chosen model")
    c.check(abs(done["metadata"].get("cv_score", 0) - 0.75) < 1e-9, "metadata has the CV score")
    c.check(done["created_at"].endswith("+00:00") or done["created_at"].endswith("Z"),
            "times are UTC ISO 8601")

    r = srv.get(f"/result/{job}/submission.csv")
    c.equal(r.status, 200, "submission download")
    c.check(r.headers.get("Content-Type", "").startswith("text/csv"), "submission is text/csv")
    c.check("attachment" in r.headers.get("Content-Disposition", ""), "submission is attachment")
    c.equal(r.body, b"id,target\n1,0\n2,1\n", "submission bytes")
    r = srv.get(f"/result/{job}/solution.py")
    c.equal(r.status, 200, "solution.py download")
    c.check(b"fake solution" in r.body, "solution.py content")
    # The agent's records, as each stage committed them (the dashboard's job page).
    for name, key, value in (("profile.json", "metric", "accuracy"),
                             ("plan.json", "candidates", ["fake"]),
                             ("metrics.json", "chosen", "fake"),
                             ("validation.json", "valid", True)):
        r = srv.get(f"/result/{job}/{name}")
        c.equal(r.status, 200, f"{name} download")
        c.check(r.headers.get("Content-Type", "").startswith("application/json"),
                f"{name} is JSON")
        c.equal(r.json().get(key), value, f"{name} is the stage's file")
    c.equal(srv.get(f"/result/{job}/stdout.log").status, 404, "other job files are not served")

    r = srv.get(f"/logs/{job}")
    c.equal(r.status, 200, "logs status")
    logs = r.json()["logs"]
    for stage in ("analyze", "plan", "generate", "train"):
        c.check(f"{stage} done" in logs, f"logs show {stage} progress")
    c.check("plain log line from train" in logs, "logs keep plain stage output")

    # ?url= form
    # ?url= needs a header a web page cannot send without a preflight (issue 9).
    q = "/run?url=" + URL.format("quick").replace(":", "%3A").replace("/", "%2F")
    c.equal(srv.request("POST", q).status, 415, "POST /run?url= without a content type")
    r = srv.request("POST", q, None, {"Content-Type": "application/json"})
    c.equal(r.status, 201, "POST /run?url=")
    srv.wait_done(r.json()["job_id"])

    # --- bad input changes nothing -----------------------------------------
    before = count_jobs()
    cases = [
        ("malformed JSON", b"{\"kaggle_url\": ", "application/json", 422),
        ("not an object", b"[1,2]", "application/json", 422),
        ("missing field", b"{}", "application/json", 422),
        ("extra field", b'{"kaggle_url": "%s", "x": 1}' % URL.format("quick").encode(),
         "application/json", 422),
        ("wrong type", b'{"kaggle_url": 42}', "application/json", 422),
        ("not kaggle", b'{"kaggle_url": "https://example.com/competitions/x"}',
         "application/json", 400),
        ("not a competition", b'{"kaggle_url": "https://www.kaggle.com/datasets/x"}',
         "application/json", 400),
        ("dot dot", b'{"kaggle_url": "https://www.kaggle.com/competitions/../etc"}',
         "application/json", 400),
        ("encoded dot dot", b'{"kaggle_url": "https://www.kaggle.com/competitions/%2e%2e"}',
         "application/json", 400),
        ("absolute path", b'{"kaggle_url": "/etc/passwd"}', "application/json", 400),
        ("slash in slug", b'{"kaggle_url": "https://www.kaggle.com/competitions/a%2Fb"}',
         "application/json", 400),
        ("wrong content type", b'{"kaggle_url": "x"}', "text/plain", 415),
        ("too large", b'{"kaggle_url": "' + b"a" * 200000 + b'"}', "application/json", 413),
    ]
    for what, raw, ctype, want in cases:
        r = srv.post_json("/run", None, raw=raw, content_type=ctype)
        c.equal(r.status, want, f"POST /run {what}")
        c.check(r.body.startswith(b"{") and b"detail" in r.body, f"{what}: JSON detail")
    c.equal(count_jobs(), before, "bad input inserted no job")

    # --- unknown ids ----------------------------------------------------------
    for path in ("/status/00000000-0000-4000-8000-000000000000", "/status/not-a-uuid",
                 "/status/..%2F..%2Fetc", "/logs/00000000-0000-4000-8000-000000000000",
                 "/result/00000000-0000-4000-8000-000000000000/submission.csv",
                 "/result/not-a-uuid/submission.csv", "/nowhere"):
        r = srv.get(path)
        c.equal(r.status, 404, f"GET {path}")
    c.equal(srv.request("PUT", "/run").status, 405, "PUT /run is 405")

    # --- lists ----------------------------------------------------------------
    r = srv.get("/jobs?limit=1")
    c.equal(r.status, 200, "GET /jobs")
    lst = r.json()
    c.equal(len(lst["jobs"]), 1, "limit applies")
    c.check(lst["total"] >= 2, "total counts all jobs")
    c.equal(srv.get("/jobs?status_filter=success").status, 200, "status filter")
    c.check(all(j["status"] == "success" for j in srv.get("/jobs?status_filter=success").json()["jobs"]),
            "filter returns only that status")
    c.equal(srv.get("/jobs?status_filter=bogus").status, 422, "bad status_filter")
    c.equal(srv.get("/jobs?limit=0").status, 422, "limit 0")
    c.equal(srv.get("/jobs?limit=abc").status, 422, "limit not a number")

    # --- a job's own time budget reaches its plan stage; bad budgets are refused
    r = srv.post_json("/run", {"kaggle_url": URL.format("quick"), "time_budget_seconds": 45})
    c.equal(r.status, 201, "POST /run with time_budget_seconds")
    budgeted = r.json()["job_id"]
    st = srv.wait_done(budgeted)
    c.equal(st["metadata"].get("time_budget_seconds"), 45, "status shows the job's budget")
    plan = psql(f"SELECT convert_from(content, 'UTF8') FROM job_stage_files "
                f"WHERE job_id = '{budgeted}' AND name = 'plan.json'")
    c.check(plan and '"time_budget_seconds":45' in plan[0][0],
            f"plan ran with the job's budget ({plan})")
    plan = psql(f"SELECT convert_from(content, 'UTF8') FROM job_stage_files "
                f"WHERE job_id = '{job}' AND name = 'plan.json'")
    c.check(plan and '"time_budget_seconds":120' in plan[0][0],
            f"plan ran with the server's budget by default ({plan})")
    before = count_jobs()
    r = srv.post_json("/run", {"kaggle_url": URL.format("quick"), "time_budget_seconds": 5})
    c.equal(r.status, 400, "too small a budget is 400")
    c.check(b"between 10 and" in r.body, "the 400 names the allowed range")
    r = srv.post_json("/run", {"kaggle_url": URL.format("quick"), "time_budget_seconds": "60"})
    c.equal(r.status, 422, "a budget that is not an integer is 422")
    c.equal(count_jobs(), before, "refused budgets create no job")

    # --- a failing stage is retried, then the job fails with the reason ----
    broken = srv.submit("broken")
    st = srv.wait_done(broken)
    c.equal(st["status"], "failed", "broken job fails")
    c.check("plan" in (st.get("error_message") or ""), "error names the stage")
    c.equal(psql(f"SELECT count(*) FROM job_events WHERE job_id = '{broken}' AND kind = 'retry'"),
            [["1"]], "one retry before giving up")
    r = srv.get(f"/result/{broken}/submission.csv")
    c.equal(r.status, 400, "no result for a failed job")
    c.check(b"Job is not complete. Current status: failed" in r.body, "result 400 detail")

    # --- backpressure: 1 running + 3 queued, then 429 ------------------------
    slow = [srv.submit("slow")]
    srv.wait_for(slow[0], lambda s: s["status"] == "running")
    r = srv.get(f"/result/{slow[0]}/submission.csv")
    c.equal(r.status, 400, "result while running is 400")
    for _ in range(3):
        slow.append(srv.submit("slow"))
    r = srv.post_json("/run", {"kaggle_url": URL.format("slow")})
    c.equal(r.status, 429, "full queue gives 429")
    c.equal(r.headers.get("Retry-After"), "7", "429 has Retry-After")
    c.equal(srv.get("/health").json()["queue_length"], 3, "health shows the queue")

    # --- cancel -----------------------------------------------------------------
    t0 = time.time()
    r = srv.request("DELETE", f"/jobs/{slow[0]}")
    c.equal(r.status, 200, "cancel running job")
    st = srv.wait_done(slow[0], timeout=10)
    c.equal(st["status"], "cancelled", "running job cancelled")
    c.check(time.time() - t0 < 5, "cancel takes effect quickly")
    out = subprocess.run(["pgrep", "-f", f"{slow[0]}"], capture_output=True, text=True).stdout
    c.equal(out.strip(), "", "no process of the cancelled job is left")
    r = srv.request("DELETE", f"/jobs/{slow[0]}")
    c.equal(r.status, 200, "cancel is idempotent")
    r = srv.request("DELETE", f"/jobs/{slow[3]}")
    c.equal(r.status, 200, "cancel queued job")
    c.equal(srv.get(f"/status/{slow[3]}").json()["status"], "cancelled", "queued job cancelled")
    c.equal(srv.request("DELETE", f"/jobs/{job}").status, 409, "cancel finished job is 409")
    c.equal(srv.request("DELETE", "/jobs/00000000-0000-4000-8000-000000000000").status, 404,
            "cancel unknown job is 404")
    for j in slow[1:3]:
        srv.request("DELETE", f"/jobs/{j}")
        srv.wait_done(j, timeout=30)

    # --- database down: 503, and back -----------------------------------------
    pgdir = os.environ.get("KAGENT_TEST_PG_DIR")
    if pgdir:
        pg_ctl(pgdir, "stop")
        try:
            r = srv.post_json("/run", {"kaggle_url": URL.format("quick")})
            c.equal(r.status, 503, "POST /run with the database down")
            c.equal(srv.get("/health").status, 503, "health with the database down")
        finally:
            pg_ctl(pgdir, "start")
        deadline = time.time() + 30
        while time.time() < deadline and srv.get("/health").status != 200:
            time.sleep(0.5)
        c.equal(srv.get("/health").status, 200, "health recovers with the database")
        r = srv.post_json("/run", {"kaggle_url": URL.format("quick")})
        c.equal(r.status, 201, "POST /run works again after the database is back")
        c.equal(srv.wait_done(r.json()["job_id"])["status"], "success", "and the job runs")


if __name__ == "__main__":
    sys.exit(main())
