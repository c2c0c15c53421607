#!/usr/bin/python3
"""The agent on whole competition sets, through the server as a user runs it.

Starts one kagentd (embedded PostgreSQL, bwrap sandbox, the default time budget,
--max-running=2 as a default server), POSTs every competition of each set at
once (the server runs two at a time), waits for each job, downloads its
submission, grades it with the set's grade.py and compares it with the set's
trivial and quick-model baselines. Prints one RESULT line per competition, a
markdown table and a summary line.

Usage: bench/bench_agent.py SET_DIR [SET_DIR...]
  SET_DIR: a folder of competitions (<slug>/public, <slug>/private/answers.csv)
           with grade.py and baselines.json, e.g. $KAGENT_SHARED_DIR/competitions.
Env: KAGENT_BENCH_ONLY="slug slug" to run a subset; KAGENT_BENCH_EXTRA extra
     kagentd flags (space separated)."""
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../tests/integration"))
from harness import SOURCE, Server  # noqa: E402

PY = "/usr/bin/python3"


def baselines_of(set_dir):
    """slug -> (higher_is_better, trivial, quick) from either layout of baselines.json."""
    raw = json.load(open(os.path.join(set_dir, "baselines.json")))
    table = raw.get("competitions", raw)
    out = {}
    for slug, b in table.items():
        if not isinstance(b, dict) or "higher_is_better" not in b:
            continue
        trivial = b["trivial"]["score"] if isinstance(b["trivial"], dict) else b["trivial"]
        quick = b["model"]["score"] if "model" in b else b["quick_model"]
        out[slug] = (b["higher_is_better"], trivial, quick)
    return out


def at_quick(score, quick, higher, metric, test_rows):
    """At or above the quick model: one test row of slack for accuracy, 1% otherwise."""
    slack = 1.0 / test_rows if metric == "accuracy" and test_rows else 0.01 * abs(quick)
    return score >= quick - slack if higher else score <= quick + slack


def seconds_between(a, b):
    if not a or not b:
        return None
    parse = datetime.datetime.fromisoformat
    return (parse(b) - parse(a)).total_seconds()


def grade(set_dir, slug, submission):
    out = subprocess.run([PY, os.path.join(set_dir, "grade.py"), os.path.join(set_dir, slug),
                          submission], capture_output=True, text=True)
    lines = out.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {"valid": False, "reason": out.stderr[-300:]}


def test_rows(set_dir, slug):
    with open(os.path.join(set_dir, slug, "private", "answers.csv"), "rb") as f:
        return max(0, sum(1 for _ in f) - 1)


def main():
    sets = [os.path.abspath(s) for s in sys.argv[1:]]
    if not sets:
        print(__doc__)
        return 2
    only = os.environ.get("KAGENT_BENCH_ONLY", "").split()
    extra = ["--max-running=2"] + os.environ.get("KAGENT_BENCH_EXTRA", "").split()
    commit = subprocess.run(["git", "-C", SOURCE, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    print(f"# {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, commit {commit}, "
          f"load average {os.getloadavg()[0]:.1f}, kagentd {' '.join(extra)}", flush=True)
    srv = Server(competitions=":".join(sets), fake=False, database_url="",
                 extra=extra).start(timeout=120)
    rows = []
    t0 = time.time()
    try:
        jobs = []
        for set_dir in sets:
            base = baselines_of(set_dir)
            for slug in sorted(base):
                if only and slug not in only:
                    continue
                jobs.append((set_dir, slug, base[slug], srv.submit(slug)))
        for set_dir, slug, (higher, trivial, quick), job in jobs:
            st = srv.wait_done(job, timeout=3600)
            md = st.get("metadata") or {}
            row = {"set": os.path.basename(set_dir), "slug": slug, "status": st["status"],
                   "cv": md.get("cv_score"), "chosen": md.get("chosen_model", "-"),
                   "run_s": seconds_between(st.get("started_at"), st.get("completed_at")),
                   "total_s": seconds_between(st.get("created_at"), st.get("completed_at")),
                   "trivial": trivial, "quick": quick, "higher": higher, "score": None,
                   "valid": False, "metric": "-", "error": st.get("error_message")}
            if st["status"] == "success":
                sub = srv.get(f"/result/{job}/submission.csv")
                with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as f:
                    f.write(sub.body)
                g = grade(set_dir, slug, f.name)
                os.unlink(f.name)
                row.update(valid=bool(g.get("valid")), score=g.get("score"),
                           metric=g.get("metric", "-"), error=g.get("reason"))
            ok = row["valid"] and row["score"] is not None
            row["at_quick"] = ok and at_quick(row["score"], quick, higher, row["metric"],
                                              test_rows(set_dir, slug))
            span = quick - trivial
            row["normalised"] = (row["score"] - trivial) / span if ok and span else None
            rows.append(row)
            print(f"RESULT agent set={row['set']} competition={slug} status={row['status']} "
                  f"valid={int(row['valid'])} score={row['score']} quick={quick} "
                  f"trivial={trivial} at_quick={int(row['at_quick'])} "
                  f"run_s={row['run_s']} chosen={row['chosen']}", flush=True)
    finally:
        srv.stop()
    wall = time.time() - t0

    def num(x, fmt="{:.4f}"):
        return "-" if x is None else fmt.format(x)

    print("\n| set | competition | metric | valid | test score | quick model | trivial | "
          "normalised | CV | chosen | run s | POST → done s | at quick |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        arrow = "↑" if r["higher"] else "↓"
        print(f"| {r['set']} | {r['slug']} | {r['metric']} {arrow} | "
              f"{'yes' if r['valid'] else 'no: ' + str(r['error'])[:60]} | {num(r['score'])} | "
              f"{num(r['quick'])} | {num(r['trivial'])} | {num(r['normalised'], '{:.2f}')} | "
              f"{num(r['cv'])} | {r['chosen']} | {num(r['run_s'], '{:.0f}')} | "
              f"{num(r['total_s'], '{:.0f}')} | {'ok' if r['at_quick'] else 'below'} |")
    norms = [r["normalised"] for r in rows if r["normalised"] is not None]
    under3 = sum(1 for r in rows if r["run_s"] is not None and r["run_s"] < 180)
    print(f"\nRESULT agent_summary competitions={len(rows)} "
          f"valid={sum(r['valid'] for r in rows)} at_quick={sum(r['at_quick'] for r in rows)} "
          f"median_normalised={statistics.median(norms) if norms else float('nan'):.2f} "
          f"run_under_180s={under3} wall_s={wall:.0f}")
    return 0 if all(r["valid"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
