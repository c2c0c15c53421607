#!/usr/bin/env bash
# Runs `kagent-stage solve` on every fixture competition in
# tests/fixtures/competitions (made by scripts/make-format-fixtures.py: MAE,
# F1, macro-F1, QWK, mean column-wise RMSLE; True/False labels, free text,
# JSON records, train.csv.zip, high-cardinality categories, datetimes, an id
# column not first). Checks that analyze named the intended metric and output
# kind, grades with grade_fixture.py and fails when a submission is invalid or
# not better than the best constant prediction. Prints one table row each.
#
# Env: KAGENT_BUILD_DIR (holds kagent-stage), KAGENT_SOURCE_DIR,
#      KAGENT_TIME_BUDGET (seconds per competition, default 30),
#      KAGENT_COMPETITIONS (space-separated slugs; default all),
#      KAGENT_E2E_OUT (keep outputs there; default a temp dir),
#      KAGENT_SOLVE_ARGS (extra arguments for solve, e.g. --sandbox=process).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source_dir="${KAGENT_SOURCE_DIR:-$(cd "$here/../.." && pwd)}"
build_dir="${KAGENT_BUILD_DIR:-$source_dir/build}"
fixtures="$source_dir/tests/fixtures/competitions"
budget="${KAGENT_TIME_BUDGET:-30}"
stage="$build_dir/kagent-stage"
py=/usr/bin/python3

[[ -x "$stage" ]] || { echo "missing $stage (build the kagent-stage target)"; exit 1; }
[[ -f "$fixtures/grade_fixture.py" ]] || { echo "missing $fixtures/grade_fixture.py"; exit 1; }

out="${KAGENT_E2E_OUT:-}"
if [[ -z "$out" ]]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

slugs="${KAGENT_COMPETITIONS:-}"
if [[ -z "$slugs" ]]; then
  slugs="$(cd "$fixtures" && for d in */; do [[ -f "$d/description.md" ]] && echo "${d%/}"; done)"
fi

failures=0
printf '| competition | metric | output | valid | CV | test score | trivial | chosen | seconds |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for slug in $slugs; do
  dir="$out/$slug"
  rm -rf "$dir"
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  if ! "$stage" solve "$fixtures/$slug" --out "$dir" --time-budget "$budget" ${KAGENT_SOLVE_ARGS:-} \
      > "$dir.log" 2>&1; then
    echo "| $slug | - | - | solve failed | | | | | |"
    tail -5 "$dir.log" | sed 's/^/    /'
    failures=$((failures + 1))
    continue
  fi
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
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
