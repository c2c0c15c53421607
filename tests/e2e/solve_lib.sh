# Shared by the end-to-end scripts that run `kagent-stage solve` on a folder
# of competitions (sourced, not run). Sets source_dir, build_dir, stage, py,
# budget, out; defines competition_slugs, fixture_slugs and solve_one.
#
# Env: KAGENT_BUILD_DIR (holds kagent-stage), KAGENT_SOURCE_DIR,
#      KAGENT_TIME_BUDGET (seconds per competition; the caller's default),
#      KAGENT_COMPETITIONS (space-separated slugs; default all),
#      KAGENT_E2E_OUT (keep outputs there; default a temp dir),
#      KAGENT_SOLVE_ARGS (extra arguments for solve, e.g. --sandbox=process).

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="${KAGENT_SOURCE_DIR:-$(cd "$here/../.." && pwd)}"
build_dir="${KAGENT_BUILD_DIR:-$source_dir/build}"
stage="$build_dir/kagent-stage"
py=/usr/bin/python3
budget="${KAGENT_TIME_BUDGET:-$default_budget}"

[[ -x "$stage" ]] || { echo "missing $stage (build the kagent-stage target)"; exit 1; }

out="${KAGENT_E2E_OUT:-}"
if [[ -z "$out" ]]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

# The slugs to run: $KAGENT_COMPETITIONS, else every folder of $1 with a description.md.
competition_slugs() {
  if [[ -n "${KAGENT_COMPETITIONS:-}" ]]; then
    echo "$KAGENT_COMPETITIONS"
  else
    (cd "$1" && for d in */; do [[ -f "$d/description.md" ]] && echo "${d%/}"; done)
  fi
}

# fixture_slugs <fixtures-dir> <set>: $KAGENT_COMPETITIONS, else the fixtures of
# <set> ("formats": grading.json without "set", the format fixtures; "classes":
# the class fixtures of scripts/make-class-fixtures.py).
fixture_slugs() {
  if [[ -n "${KAGENT_COMPETITIONS:-}" ]]; then
    echo "$KAGENT_COMPETITIONS"
    return
  fi
  "$py" - "$1" "$2" <<'PY'
import json, os, sys
root, want = sys.argv[1:]
for d in sorted(os.listdir(root)):
    g = os.path.join(root, d, "grading.json")
    if os.path.exists(os.path.join(root, d, "description.md")) and os.path.exists(g):
        if json.load(open(g)).get("set", "formats") == want:
            print(d)
PY
}

# solve_one <competitions-dir> <slug>: solves into $out/<slug>, sets $seconds;
# on failure prints the log's tail and returns 1.
solve_one() {
  local dir="$out/$2" start
  rm -rf "$dir"
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  if ! "$stage" solve "$1/$2" --out "$dir" --time-budget "$budget" ${KAGENT_SOLVE_ARGS:-} \
      > "$dir.log" 2>&1; then
    tail -5 "$dir.log" | sed 's/^/    /'
    return 1
  fi
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
}
