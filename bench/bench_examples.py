#!/usr/bin/python3
"""Time from POST /run to a validated submission for each bundled example
competition, one job at a time on the embedded defaults (real stages, bwrap).
Each submission is also compared with the example's private answers."""
import csv
import io
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../tests/integration"))
from harness import SOURCE, Server  # noqa: E402

EXAMPLES = os.path.join(SOURCE, "examples/competitions")


def agreement(sub_bytes, answers_path):
    """Share of exactly equal cells (labels) or mean abs error (numbers)."""
    sub = list(csv.reader(io.StringIO(sub_bytes.decode())))
    ans = list(csv.reader(open(answers_path)))
    rows = list(zip(sub[1:], ans[1:]))
    try:
        errs = [abs(float(s[1]) - float(a[1])) for s, a in rows]
        return f"mean abs diff {sum(errs) / len(errs):.4f}"
    except ValueError:
        return f"accuracy {sum(s[1] == a[1] for s, a in rows) / len(rows):.4f}"


def main():
    srv = Server(fake=False, database_url="").start(timeout=120)
    try:
        print("| competition | status | POST → success (s) | model | CV | vs private answers |")
        print("| --- | --- | --- | --- | --- | --- |")
        for slug in sorted(os.listdir(EXAMPLES)):
            t0 = time.time()
            job = srv.submit(slug)
            st = srv.wait_done(job, timeout=600)
            secs = time.time() - t0
            sub = srv.get(f"/result/{job}/submission.csv")
            cmp = agreement(sub.body, os.path.join(EXAMPLES, slug, "private/answers.csv")) \
                if sub.status == 200 else "-"
            md = st["metadata"]
            print(f"| {slug} | {st['status']} | {secs:.1f} | {md.get('chosen_model')} | "
                  f"{md.get('metric')} {md.get('cv_score', 0):.4f} | {cmp} |", flush=True)
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
