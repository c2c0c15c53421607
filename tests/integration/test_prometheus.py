#!/usr/bin/python3
"""GET /metrics scraped by Debian's real Prometheus: kagentd runs the bundled
example competitions (and one that fails), Prometheus scrapes it every second
with the repository's alerting rules loaded, and the series are read back
through Prometheus' HTTP query API."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import DATABASE_URL, SOURCE, Checks, Server, free_port, make_mirror  # noqa: E402

PROMETHEUS = "/usr/bin/prometheus"
EXAMPLES = os.path.join(SOURCE, "examples/competitions")
RULES = os.path.join(SOURCE, "ops/prometheus/alerts.yml")
URL = "https://www.kaggle.com/competitions/{}"


class Prometheus:
    """One Prometheus server scraping `target` every second; storage in a temp dir."""

    def __init__(self, target):
        self.dir = tempfile.mkdtemp(prefix="kagent-prom-")
        self.port = free_port()
        config = os.path.join(self.dir, "prometheus.yml")
        with open(config, "w") as f:
            f.write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - {RULES}
scrape_configs:
  - job_name: kagent
    scrape_interval: 1s
    scrape_timeout: 1s
    static_configs:
      - targets: ["{target}"]
""")
        self.log = open(os.path.join(self.dir, "prometheus.log"), "wb")
        self.proc = subprocess.Popen(
            [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={self.dir}/data",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT)

    def api(self, path, **params):
        url = f"http://127.0.0.1:{self.port}{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.loads(r.read())

    def wait_ready(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("prometheus exited:\n" + self.tail())
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("prometheus not ready:\n" + self.tail())

    def query(self, expr):
        """The instant vector of `expr` as [(labels, value)]."""
        r = self.api("/api/v1/query", query=expr)
        assert r["status"] == "success", r
        return [(s["metric"], float(s["value"][1])) for s in r["data"]["result"]]

    def wait_value(self, expr, pred, timeout=30):
        """The first value of `expr` that satisfies `pred`, or the last one seen (None if none)."""
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            res = self.query(expr)
            if res:
                last = res[0][1]
                if pred(last):
                    return last
            time.sleep(0.5)
        return last

    def tail(self, n=30):
        with open(os.path.join(self.dir, "prometheus.log"), "rb") as f:
            return b"\n".join(f.read().splitlines()[-n:]).decode(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    if not DATABASE_URL:
        print("KAGENT_TEST_DATABASE_URL is not set: run scripts/test.sh", flush=True)
        return 1
    c = Checks()
    broken = make_mirror(tempfile.mkdtemp(prefix="kagent-mirror-"), {"broken": "fail plan"})
    srv = Server(competitions=f"{EXAMPLES}:{broken}", extra=["--max-running=2"]).start()
    prom = None
    try:
        prom = Prometheus(f"127.0.0.1:{srv.port}").wait_ready()
        run_checks(c, srv, prom)
    finally:
        if prom:
            if c.failed:
                print(prom.tail(), flush=True)
            prom.stop()
        srv.stop()
    return c.finish()


def run_checks(c, srv, prom):
    examples = sorted(os.listdir(EXAMPLES))
    jobs = [srv.submit(slug) for slug in examples]
    failing = srv.submit("broken")
    done = [srv.wait_done(j) for j in jobs]
    c.check(all(d["status"] == "success" for d in done), "the example competitions succeed")
    c.equal(srv.wait_done(failing)["status"], "failed", "the broken competition fails")
    for j in jobs:
        c.equal(srv.get(f"/status/{j}").status, 200, "GET /status answers")
    c.equal(srv.get("/status/00000000-0000-4000-8000-000000000000").status, 404,
            "GET /status of an unknown job is 404")
    c.equal(srv.get("/no-such-page").status, 404, "an unknown path is 404")

    # --- scraped and read back ------------------------------------------------
    up = prom.wait_value('up{job="kagent"}', lambda v: v == 1)
    c.equal(up, 1.0, "Prometheus scrapes kagentd")
    info = prom.query("kagent_build_info")
    c.check(len(info) == 1 and info[0][1] == 1.0, f"kagent_build_info is 1: {info}")
    if info:
        c.check(info[0][0].get("version") and info[0][0].get("commit"),
                f"kagent_build_info names version and commit: {info[0][0]}")

    n = len(examples) + 1
    submits = prom.wait_value(
        'kagent_http_request_duration_seconds_count{route="submit",status_class="2xx"}',
        lambda v: v >= n)
    c.equal(submits, float(n), "one 2xx submit latency sample per POST /run")
    statuses = prom.wait_value(
        'sum(kagent_http_request_duration_seconds_count{route="status",status_class="2xx"})',
        lambda v: v >= len(jobs))
    c.check(statuses is not None and statuses >= len(jobs), f"status 2xx samples: {statuses}")
    c.check(prom.wait_value('kagent_http_request_duration_seconds_count{route="status",'
                            'status_class="4xx"}', lambda v: v >= 1) == 1.0,
            "the unknown job's 404 is a status 4xx sample")
    c.check((prom.wait_value('kagent_http_request_duration_seconds_count{route="other",'
                             'status_class="4xx"}', lambda v: v >= 1) or 0) >= 1,
            "the unknown path's 404 is labelled other")
    c.check((prom.wait_value('kagent_http_request_duration_seconds_count{route="metrics",'
                             'status_class="2xx"}', lambda v: v >= 2) or 0) >= 2,
            "the scrapes themselves are metrics samples")
    p99 = prom.query('histogram_quantile(0.99, sum by (le) '
                     '(kagent_http_request_duration_seconds_bucket{route="submit"}))')
    c.check(p99 and 0 < p99[0][1] <= 10, f"submit latency p99 is a plausible time: {p99}")

    # The broken job's analyze succeeds too; its plan fails.
    for stage, want in (("analyze", n), ("plan", len(jobs)), ("generate", len(jobs)),
                        ("train", len(jobs))):
        v = prom.wait_value(
            f'kagent_stage_duration_seconds_count{{stage="{stage}",outcome="success"}}',
            lambda v: v >= want)
        c.equal(v, float(want), f"{stage} succeeded once per job that got there")
        # Orchestration overhead: one sample per committed stage attempt, and
        # never more than the attempt's whole duration.
        o = prom.wait_value(f'kagent_stage_overhead_seconds_count{{stage="{stage}"}}',
                            lambda v: v >= want)
        c.equal(o, float(want), f"{stage} has one overhead sample per committed attempt")
        over = prom.query(f'kagent_stage_overhead_seconds_sum{{stage="{stage}"}}')
        spent = prom.query(f'kagent_stage_duration_seconds_sum{{stage="{stage}",'
                           'outcome="success"}')
        c.check(over and spent and 0 < over[0][1] <= spent[0][1] + 0.01,
                f"{stage} overhead is positive and within its duration: {over} {spent}")
    total = prom.query('kagent_stage_duration_seconds_sum{stage="train",outcome="success"}')
    c.check(total and total[0][1] > 0, f"train stage time is recorded: {total}")
    failed_plan = prom.wait_value('kagent_stage_duration_seconds_count{stage="plan",'
                                  'outcome="failed"}', lambda v: v >= 1)
    c.equal(failed_plan, 1.0, "the broken job's last plan attempt is a failed sample")
    retries = prom.query('kagent_stage_retries_total{stage="plan"}')
    c.check(retries and retries[0][1] >= 1, f"the broken plan stage was retried: {retries}")
    c.equal(prom.wait_value('kagent_jobs_finished_total{status="success"}',
                            lambda v: v >= len(jobs)), float(len(jobs)),
            "finished jobs by status: success")
    c.equal(prom.wait_value('kagent_jobs_finished_total{status="failed"}', lambda v: v >= 1),
            1.0, "finished jobs by status: failed")
    c.equal(prom.wait_value('kagent_job_failures_total{category="program_error"}',
                            lambda v: v >= 1), 1.0, "the failure's category is program_error")
    c.equal(prom.wait_value("kagent_queue_wait_seconds_count", lambda v: v >= n), float(n),
            "every job's queue wait is a sample")
    c.equal(prom.wait_value('kagent_jobs{status="queued"}', lambda v: v == 0), 0.0,
            "no job is left queued")
    c.equal(prom.wait_value("kagent_jobs_accepted_total", lambda v: v >= n), float(n),
            "kagent_jobs_accepted_total counts the submissions")
    batches = prom.query("kagent_db_batch_writes_count")
    writes = prom.query("kagent_db_batch_writes_sum")
    c.check(batches and writes and batches[0][1] >= 1 and writes[0][1] >= batches[0][1],
            f"group commits report their batches: {batches} {writes}")
    commits = prom.query("kagent_db_commit_duration_seconds_count")
    c.check(commits and batches and commits[0][1] == batches[0][1],
            "one commit time per batch")
    c.equal(prom.wait_value("kagent_cluster_slots", lambda v: v == 2), 2.0,
            "the local node's slots are scraped")
    node = prom.query("kagent_node_up")
    c.check(len(node) == 1 and node[0][1] == 1.0, f"the local node is up: {node}")

    # --- the rules file is loaded by the real server and quiet ---------------
    rules = prom.api("/api/v1/rules")["data"]["groups"]
    names = sorted(r["name"] for g in rules for r in g["rules"])
    c.equal(names, ["KagentLowSuccessRate", "KagentNoLiveWorker", "KagentQueueBacklog",
                    "KagentSlowRequests"], "Prometheus loaded the four alerts")
    time.sleep(2)
    firing = [a for a in prom.api("/api/v1/alerts")["data"]["alerts"]]
    c.equal(firing, [], "no alert is pending or firing on a healthy server")


if __name__ == "__main__":
    sys.exit(main())
