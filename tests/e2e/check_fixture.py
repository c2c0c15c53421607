#!/usr/bin/python3
"""Checks one solved class fixture (tests/e2e/test_agent_classes.sh).

usage: check_fixture.py <fixture_dir> <solve_out_dir> <seconds> <solve_exit_status>

Prints one line `ok|<markdown row>` or `FAIL|<markdown row>`; the row ends
with the problems found. Requirements (issue 8's targets):
  - `kagent-stage solve` exited 0 and wrote a submission that grade_fixture.py
    calls valid;
  - profile.json names the metric and the output kind of grading.json
    (`metric`, `prediction`);
  - the test score is at or above grading.json's quick_model, with one test
    row of slack for accuracy (and micro-F1, the same number for one label per
    row) and 1% of the quick model's score otherwise;
  - the score is clearly better than the trivial constant: its normalised
    score (0 = trivial, 1 = quick model) is at least 0.05.
"""
import json
import os
import subprocess
import sys

ROW_SLACK_METRICS = ("accuracy", "micro_f1")


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main():
    fixture, out, seconds, rc = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    g = load(os.path.join(fixture, "grading.json"))
    job = os.path.join(out, "job")
    profile = load(os.path.join(job, "profile.json")) or {}
    metrics = load(os.path.join(job, "metrics.json")) or {}
    problems = []
    if rc != 0:
        last = ""
        log = out + ".log"
        if os.path.exists(log):
            lines = [x for x in open(log, errors="replace").read().splitlines() if x.strip()]
            last = lines[-1][:160] if lines else ""
        problems.append(f"solve exited {rc}" + (f" ({last})" if last else ""))
    got_metric = (profile.get("metric") or {}).get("name", "-")
    got_output = (profile.get("submission") or {}).get("output", "-")
    if got_metric != g["metric"]:
        problems.append(f"profile metric {got_metric} != {g['metric']}")
    if got_output != g["prediction"]:
        problems.append(f"profile output {got_output} != {g['prediction']}")

    sub = os.path.join(job, "submission.csv")
    grade = {"valid": False, "score": None, "reason": "no submission.csv"}
    if os.path.exists(sub):
        grader = os.path.join(os.path.dirname(fixture), "grade_fixture.py")
        res = subprocess.run([sys.executable, grader, fixture, sub], capture_output=True, text=True)
        lines = res.stdout.strip().splitlines()
        grade = json.loads(lines[-1]) if lines else {"valid": False, "score": None,
                                                     "reason": "grader failed: " + res.stderr[-200:]}
    quick, trivial = g["quick_model"]["score"], g["trivial"]["score"]
    higher = g["higher_is_better"]
    score = grade.get("score")
    norm = None
    if not grade["valid"]:
        problems.append("invalid: " + grade.get("reason", ""))
    else:
        if g["metric"] in ROW_SLACK_METRICS:
            slack = 1.0 / g["rows"]["test"]
        else:
            slack = 0.01 * abs(quick)
        at_quick = score >= quick - slack if higher else score <= quick + slack
        gap = (quick - trivial) if higher else (trivial - quick)
        norm = ((score - trivial) if higher else (trivial - score)) / gap
        if not at_quick:
            problems.append(f"below the quick model ({score:.4f} vs {quick:.4f})")
        if norm < 0.05:
            problems.append("not clearly better than trivial")
    problems = [x.replace("|", "/") for x in problems]
    arrow = "↑" if higher else "↓"
    cv = metrics.get("cv_score")
    cell = lambda v: "-" if v is None else f"{v:.4f}"  # noqa: E731
    row = (f"| {g['competition']} | {g['class']} | {got_metric} {arrow} | {got_output} | "
           f"{'yes' if grade['valid'] else 'no'} | {cell(cv)} | {cell(score)} | {quick:.4f} | "
           f"{trivial:.4f} | {'-' if norm is None else f'{norm:.2f}'} | {metrics.get('chosen', '-')} | "
           f"{seconds:.0f} | {'; '.join(problems) if problems else 'ok'} |")
    print(("FAIL|" if problems else "ok|") + row)


if __name__ == "__main__":
    main()
