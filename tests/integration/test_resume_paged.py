#!/usr/bin/python3
"""A restart with many unfinished jobs (issue 13): kagentd answers /health and
takes new jobs before it has read them all back (they load in pages in the
background, --resume-page-size), and every planted job still runs exactly once,
oldest first, before the jobs accepted since. Jobs are planted straight into
the embedded PostgreSQL, shaped as kagentd writes them, then kagentd is
killed with kill -9 and started again."""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Checks, Server, make_mirror  # noqa: E402


def psql(data, sql):
    conn = f"host={data}/pg/sock dbname=kagent user=kagent"
    out = subprocess.run(["psql", conn, "-At", "-F", "\t", "-c", sql], check=True,
                         capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def plant(data, slug, n, age_s):
    """n queued jobs, created one millisecond apart ending age_s ago; their ids, oldest first."""
    psql(data, f"""
      INSERT INTO jobs (id, owner, url, competition, status, created_at, metadata)
      SELECT gen_random_uuid(), '', 'https://www.kaggle.com/competitions/{slug}', '{slug}',
             'queued', now() - interval '{age_s} seconds' - (({n} - i) * interval '1 millisecond'),
             jsonb_build_object('competition', '{slug}', 'source', 'api', 'progress', 0.0,
                                'stage_progress', 0.0, 'message', 'Queued')
      FROM generate_series(1, {n}) AS i""")
    return [r[0] for r in psql(data, f"SELECT id FROM jobs WHERE competition = '{slug}'"
                                     " ORDER BY created_at, id")]


def start(data, mirror, page_size):
    return Server(data_dir=data, competitions=mirror, database_url="",
                  extra=["--max-running=1", "--max-queued=100000",
                         f"--resume-page-size={page_size}"]).start(timeout=120)


def main():
    c = Checks()
    mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-mirror-"),
                         {"planted": "", "fresh": "", "many": ""})
    data = tempfile.mkdtemp(prefix="kagent-resume-paged-")
    os.chmod(data, 0o755)
    srv = start(data, mirror, 3)
    servers = [srv]
    try:
        # -- a few planted jobs run once, oldest first, before the new ones -----
        planted = plant(data, "planted", 40, 60)
        srv.kill9()
        srv = start(data, mirror, 3)
        servers.append(srv)
        fresh = [srv.submit("fresh") for _ in range(3)]
        for j in planted + fresh:
            c.equal(srv.wait_done(j, timeout=120)["status"], "success",
                    f"job {j[:8]} succeeds after the restart")
        ran = [r[0] for r in psql(data, "SELECT id FROM jobs WHERE competition IN"
                                        " ('planted', 'fresh') ORDER BY started_at, id")]
        c.equal(ran, planted + fresh, "planted jobs ran oldest first, then the new ones")
        once = psql(data, "SELECT count(*) FROM job_events WHERE kind = 'stage_started'"
                          " AND stage = 'analyze' GROUP BY job_id HAVING count(*) <> 1")
        c.equal(once, [], "every job's analyze started exactly once")
        c.equal(srv.get("/health").json().get("resuming"),
                {"loaded": 40, "total": 40, "done": True}, "/health says the resume is done")

        # -- many planted jobs: new jobs are taken before they are all read --------
        many = plant(data, "many", 20000, 30)
        srv.kill9()
        t0 = time.time()
        srv = start(data, mirror, 20)
        servers.append(srv)
        health_s = time.time() - t0
        r = srv.post_json("/run", {"kaggle_url": "https://www.kaggle.com/competitions/fresh"})
        c.equal(r.status, 201, "a new job is accepted during the resume")
        new_job = r.json()["job_id"]
        h = srv.get("/health").json()
        print(f"/health after {health_s:.1f} s; after the first 201: {h.get('resuming')}",
              flush=True)
        resuming = h.get("resuming", {})
        c.equal(resuming.get("total"), 20000, "/health counts the jobs to resume")
        c.check(resuming.get("done") is False and resuming.get("loaded", 0) < 20000,
                "the 201 came before every planted job was read back")
        c.check(h["queue_length"] >= 20000,  # 20,000 planted + 1 new, 1 running at most
                "queue_length counts the jobs not read yet")
        st = srv.get(f"/status/{many[-1]}")
        c.equal((st.status, st.json().get("status")), (200, "queued"),
                "a planted job not read yet is answered (from the database)")
        deadline = time.time() + 60
        while time.time() < deadline and not h.get("resuming", {}).get("done"):
            time.sleep(0.2)
            h = srv.get("/health").json()
        c.equal(h.get("resuming"), {"loaded": 20000, "total": 20000, "done": True},
                "every planted job is read back")
        st = srv.get(f"/status/{many[-1]}").json()
        c.equal(st["status"], "queued", "the newest planted job waits in the queue")
        c.equal(srv.get(f"/status/{new_job}").json()["status"], "queued",
                "the new job waits behind the planted ones")
        started = psql(data, "SELECT count(*) FROM jobs WHERE competition = 'fresh'"
                             " AND started_at IS NOT NULL")
        c.equal(started, [["3"]], "no job accepted since the restart started before them")
        c.equal(srv.stop(), 0, "kagentd exits 0 on SIGTERM")
    finally:
        for s in servers:
            if s.proc and s.proc.poll() is None:
                s.stop()
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
