#!/usr/bin/env bash
# Runs `kagent-stage solve` on every development competition and grades the
# submission with the set's grade.py. Fails when a submission is invalid or
# scores worse than the competition's trivial baseline. Prints one table row
# per competition (metric, CV, test score, baselines, seconds).
#
# Env: see solve_lib.sh (default time budget 90 s); KAGENT_SHARED_DIR, the shared
#      development set (scripts/test.sh finds it); without it the test is skipped (77).
set -euo pipefail

default_budget=90
source "$(dirname "$0")/solve_lib.sh"
shared="${KAGENT_SHARED_DIR:-}/competitions"
if [[ -z "${KAGENT_SHARED_DIR:-}" || ! -f "$shared/grade.py" ]]; then
  echo "SKIPPED: needs the shared development set (competitions/): set KAGENT_SHARED_DIR"
  exit 77
fi
slugs="$(competition_slugs "$shared")"

failures=0
printf '| competition | metric | valid | CV | test score | trivial | quick model | chosen | seconds |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for slug in $slugs; do
  dir="$out/$slug"
  if ! solve_one "$shared" "$slug"; then
    echo "| $slug | - | solve failed | | | | | | |"
    failures=$((failures + 1))
    continue
  fi
  grade="$("$py" "$shared/grade.py" "$shared/$slug" "$dir/job/submission.csv" | tail -1)"
  row="$("$py" - "$grade" "$shared/baselines.json" "$slug" "$dir/job/metrics.json" "$seconds" <<'PY'
import json, sys
grade, baselines, slug, metrics, seconds = sys.argv[1:]
g = json.loads(grade)
b = json.load(open(baselines))["competitions"][slug]
m = json.load(open(metrics))
ok = g["valid"] and g["score"] is not None
if ok:
    s, t = g["score"], b["trivial"]
    ok = s > t if b["higher_is_better"] else s < t
status = "ok" if ok else "FAIL"
score = "-" if g["score"] is None else f'{g["score"]:.4f}'
print(f'{status}||| {slug} | {g["metric"]} | {g["valid"]} | {m["cv_score"]:.4f} | {score} | '
      f'{b["trivial"]:.4f} | {b["quick_model"]:.4f} | {m["chosen"]} | {float(seconds):.0f} |'
      + ('' if g["valid"] else f' reason: {g["reason"]}'))
PY
)"
  echo "${row#*||}"
  [[ "${row%%||*}" == ok ]] || failures=$((failures + 1))
done
if (( failures > 0 )); then
  echo "$failures competition(s) failed"
  exit 1
fi
echo "all competitions valid and better than trivial"
