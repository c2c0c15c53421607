#!/usr/bin/python3
"""Issue 9 item 7: a database outage under load strands no job. Four
submitters post jobs while PostgreSQL is stopped for 20 s and started again;
every job that got a 201 must reach a terminal status, stored in the
database, without a restart of kagentd, and /health reports the write
backlog while the database is away."""
import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import DATABASE_URL, TERMINAL, Checks, Server, make_mirror, pg_ctl, psql  # noqa: E402

URL = "https://www.kaggle.com/competitions/{}"
OUTAGE_S = 20
SUBMITTERS = 4


class Submitters:
    def __init__(self, srv):
        self.srv, self.accepted, self.codes = srv, [], {}
        self.lock, self.stop = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(SUBMITTERS)]

    def run(self):
        body = json.dumps({"kaggle_url": URL.format("outage")}).encode()
        while not self.stop.is_set():
            try:
                r = self.srv.request("POST", "/run", body, {"Content-Type": "application/json"},
                                     timeout=40)
                with self.lock:
                    self.codes[r.status] = self.codes.get(r.status, 0) + 1
                    if r.status == 201:
                        self.accepted.append(r.json()["job_id"])
            except OSError:
                with self.lock:
                    self.codes["error"] = self.codes.get("error", 0) + 1
            time.sleep(0.25)  # about what four slots of fake jobs can take


def health(srv):
    try:
        r = srv.get("/health")
        return r.status, r.json()
    except (OSError, ValueError):
        return 0, {}


def main():
    pgdir = os.environ.get("KAGENT_TEST_PG_DIR")
    if not DATABASE_URL or not pgdir:
        print("KAGENT_TEST_DATABASE_URL/KAGENT_TEST_PG_DIR are not set: run scripts/test.sh",
              flush=True)
        return 1
    c = Checks()
    mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-mirror-"), {"outage": "sleep train 1"})
    srv = Server(competitions=mirror, extra=["--max-running=4", "--max-queued=5000"]).start()
    subs = Submitters(srv)
    try:
        for t in subs.threads:
            t.start()
        time.sleep(5)
        pg_ctl(pgdir, "stop")
        backlog_seen, healthy_during = 0, False
        try:
            deadline = time.time() + OUTAGE_S
            while time.time() < deadline:
                status, h = health(srv)
                backlog_seen = max(backlog_seen, h.get("write_backlog", {}).get("writes", 0))
                healthy_during |= status == 200
                time.sleep(0.5)
        finally:
            pg_ctl(pgdir, "start")
        time.sleep(5)
        subs.stop.set()
        for t in subs.threads:
            t.join(60)
        accepted = list(subs.accepted)
        print(f"submitted: {subs.codes}; accepted {len(accepted)}", flush=True)
        c.check(backlog_seen > 0, f"/health reported a write backlog during the outage "
                                  f"(max {backlog_seen})")
        c.check(not healthy_during, "/health is not 200 while the database is away")
        c.check(subs.codes.get(503, 0) > 0, "POST /run answered 503 during the outage")
        c.check(len(accepted) > 20, f"jobs were accepted before and after: {len(accepted)}")
        # Every accepted job ends, in the database, without a restart.
        ids = ",".join(f"'{j}'" for j in accepted) or "NULL"
        deadline = time.time() + 300
        stranded = len(accepted)
        while time.time() < deadline:
            rows = psql(f"SELECT status, count(*) FROM jobs WHERE id IN ({ids}) GROUP BY status")
            by = {s: int(n) for s, n in rows}
            stranded = len(accepted) - sum(n for s, n in by.items() if s in TERMINAL)
            if stranded == 0:
                break
            time.sleep(2)
        print(f"stranded {stranded} of {len(accepted)} accepted jobs; by status {by}", flush=True)
        c.equal(stranded, 0, "stranded jobs after the outage")
        c.equal(by.get("success", 0), len(accepted), "every accepted job succeeded")
        status, h = health(srv)
        c.equal(status, 200, "health is 200 again")
        c.equal(h.get("write_backlog", {}).get("writes"), 0, "the backlog is empty again")
        c.equal(h.get("running"), 0, "nothing left running")
    finally:
        subs.stop.set()
        srv.stop()
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
