#!/usr/bin/env bash
# Runs `kagent-stage solve` on every fixture competition in
# tests/fixtures/competitions (made by scripts/make-format-fixtures.py: MAE,
# F1, macro-F1, QWK, mean column-wise RMSLE; True/False labels, free text,
# JSON records, train.csv.zip, high-cardinality categories, datetimes, an id
# column not first). Checks that analyze named the intended metric and output
# kind, grades with grade_fixture.py and fails when a submission is invalid or
# not better than the best constant prediction. Prints one table row each.
#
# Env: see solve_lib.sh (default time budget 30 s).
set -euo pipefail

default_budget=30
source "$(dirname "$0")/solve_lib.sh"
fixtures="$source_dir/tests/fixtures/competitions"
[[ -f "$fixtures/grade_fixture.py" ]] || { echo "missing $fixtures/grade_fixture.py"; exit 1; }
slugs="$(fixture_slugs "$fixtures" formats)"  # the class fixtures: test_agent_classes.sh

failures=0
printf '| competition | metric | output | valid | CV | test score | trivial | chosen | seconds |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for slug in $slugs; do
  dir="$out/$slug"
  if ! solve_one "$fixtures" "$slug"; then
    echo "| $slug | - | - | solve failed | | | | | |"
    failures=$((failures + 1))
    continue
  fi
  grade="$("$py" "$fixtures/grade_fixture.py" "$fixtures/$slug" "$dir/job/submission.csv" | tail -1)"
  row="$("$py" - "$grade" "$fixtures/$slug/grading.json" "$dir/job/profile.json" \
      "$dir/job/metrics.json" "$seconds" "$slug" <<'PY'
import json, sys
grade, grading, profile, metrics, seconds, slug = sys.argv[1:]
g, want = json.loads(grade), json.load(open(grading))
p, m = json.load(open(profile)), json.load(open(metrics))
got_metric, got_output = p["metric"]["name"], p["submission"]["output"]
problems = []
if got_metric != want["metric"]:
    problems.append(f"profile metric {got_metric} != {want['metric']}")
if got_output != want["prediction"]:
    problems.append(f"profile output {got_output} != {want['prediction']}")
if not g["valid"]:
    problems.append("invalid: " + g["reason"])
elif not (g["score"] > g["trivial"] if g["higher_is_better"] else g["score"] < g["trivial"]):
    problems.append("not better than trivial")
arrow = "↑" if g["higher_is_better"] else "↓"
score = "-" if g["score"] is None else f'{g["score"]:.4f}'
print(f'{"FAIL" if problems else "ok"}||| {slug} | {got_metric} {arrow} | {got_output} | {g["valid"]} | '
      f'{m["cv_score"]:.4f} | {score} | {g["trivial"]:.4f} | {m["chosen"]} | {float(seconds):.0f} |'
      + (" " + "; ".join(problems) if problems else ""))
PY
)"
  echo "${row#*||}"
  [[ "${row%%||*}" == ok ]] || failures=$((failures + 1))
done
if (( failures > 0 )); then
  echo "$failures fixture competition(s) failed"
  exit 1
fi
echo "all fixture competitions valid, metric detected and better than trivial"
