#!/usr/bin/env bash
# Runs `kagent-stage solve` on every development competition and grades the
# submission with the set's grade.py. Fails when a submission is invalid or
# scores worse than the competition's trivial baseline. Prints one table row
# per competition (metric, CV, test score, baselines, seconds).
#
# Env: KAGENT_BUILD_DIR (holds kagent-stage), KAGENT_SOURCE_DIR,
#      KAGENT_SHARED_DIR (default $KAGENT_SOURCE_DIR/../shared),
#      KAGENT_TIME_BUDGET (seconds per competition, default 90),
#      KAGENT_COMPETITIONS (space-separated slugs; default all),
#      KAGENT_E2E_OUT (keep outputs there; default a temp dir).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source_dir="${KAGENT_SOURCE_DIR:-$(cd "$here/../.." && pwd)}"
build_dir="${KAGENT_BUILD_DIR:-$source_dir/build}"
shared="${KAGENT_SHARED_DIR:-$source_dir/../shared}/competitions"
budget="${KAGENT_TIME_BUDGET:-90}"
stage="$build_dir/kagent-stage"
py=/usr/bin/python3

[[ -x "$stage" ]] || { echo "missing $stage (build the kagent-stage target)"; exit 1; }
[[ -f "$shared/grade.py" ]] || { echo "missing $shared/grade.py"; exit 1; }

out="${KAGENT_E2E_OUT:-}"
if [[ -z "$out" ]]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

slugs="${KAGENT_COMPETITIONS:-}"
if [[ -z "$slugs" ]]; then
  slugs="$(cd "$shared" && for d in */; do [[ -f "$d/description.md" ]] && echo "${d%/}"; done)"
fi

failures=0
printf '| competition | metric | valid | CV | test score | trivial | quick model | chosen | seconds |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for slug in $slugs; do
  dir="$out/$slug"
  rm -rf "$dir"
  start=$(date +%s.%N)
  if ! "$stage" solve "$shared/$slug" --out "$dir" --time-budget "$budget" > "$dir.log" 2>&1; then
    echo "| $slug | - | solve failed | | | | | | |"
    tail -5 "$dir.log" | sed 's/^/    /'
    failures=$((failures + 1))
    continue
  fi
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
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
