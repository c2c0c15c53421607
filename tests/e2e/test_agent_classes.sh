#!/usr/bin/env bash
# Runs `kagent-stage solve` on every class fixture of issue 8 in
# tests/fixtures/competitions (grading.json "set": "classes"; written by
# scripts/make-class-fixtures.py: failure classes A-G and the formats and
# metrics of its point 6) and checks each with check_fixture.py: solve exits 0,
# profile.json names the intended metric and output kind, the submission is
# valid, its test score is at or above the fixture's quick model (one test row
# of slack for accuracy, 1% otherwise) and clearly above the trivial constant.
# Prints one markdown table row per fixture, in slug order.
#
# Two fixtures are solved at a time, as the server runs two jobs on two cores.
# Env: see solve_lib.sh (default time budget 40 s; KAGENT_SOLVE_ARGS defaults to
#      --sandbox=process, set it to "" for the default sandbox);
#      KAGENT_E2E_JOBS (fixtures solved at once; default 2).
set -euo pipefail

default_budget=40
: "${KAGENT_SOLVE_ARGS=--sandbox=process}"
source "$(dirname "$0")/solve_lib.sh"
fixtures="$source_dir/tests/fixtures/competitions"
[[ -f "$fixtures/grade_fixture.py" ]] || { echo "missing $fixtures/grade_fixture.py"; exit 1; }
slugs="$(fixture_slugs "$fixtures" classes)"
[[ -n "$slugs" ]] || { echo "no class fixtures in $fixtures (run scripts/make-class-fixtures.py)"; exit 1; }
parallel="${KAGENT_E2E_JOBS:-2}"

# run_fixture <slug>: solves into $out/<slug>, writes the checked row to $out/<slug>.row.
run_fixture() {
  local slug="$1" dir="$out/$1" start rc=0 seconds
  rm -rf "$dir"
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  "$stage" solve "$fixtures/$slug" --out "$dir" --time-budget "$budget" ${KAGENT_SOLVE_ARGS:-} \
    > "$dir.log" 2>&1 || rc=$?
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  "$py" "$here/check_fixture.py" "$fixtures/$slug" "$dir" "$seconds" "$rc" > "$dir.row" 2>&1 ||
    echo "FAIL|| $slug | checker failed: $(tail -1 "$dir.row") |" > "$dir.row"
  printf '  %s: %.0f s, %s\n' "$slug" "$seconds" "$(cut -d'|' -f1 "$dir.row")" >&2
}

run_start=$(date +%s)
echo "solving $(echo "$slugs" | wc -w) fixtures, $parallel at a time, budget ${budget}s each" >&2
running=0
for slug in $slugs; do
  if (( running >= parallel )); then
    wait -n || true
    running=$((running - 1))
  fi
  run_fixture "$slug" &
  running=$((running + 1))
done
wait

failures=0 total=0
printf '| fixture | class | metric (profile) | output | valid | CV | test score | quick model | trivial | normalised | chosen | seconds | verdict |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for slug in $slugs; do
  total=$((total + 1))
  row="$(cat "$out/$slug.row")"
  echo "${row#*|}"
  [[ "${row%%|*}" == ok ]] || failures=$((failures + 1))
done
echo
echo "$((total - failures))/$total fixtures passed in $(( $(date +%s) - run_start )) s (normalised: 0 = trivial constant, 1 = quick model)"
if (( failures > 0 )); then
  exit 1
fi
