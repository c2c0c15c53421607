#!/usr/bin/env bash
# A CPU flame graph of a running process: perf samples its stacks (FREQ,
# 999 Hz; CALL_GRAPH, dwarf: kagentd is built without frame pointers)
# for <seconds>, bench/flamegraph.py folds them and draws the SVG (no npm
# package here draws C++ names whole: stackvis splits frames at commas).
# MAX_DEPTH (40) and MIN_PERCENT (0.5) keep the SVG small.
# Usage: bench/flamegraph.sh <pid> <seconds> <out.svg> [title]
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 <pid> <seconds> <out.svg> [title]" >&2; exit 2; }
pid=$1 seconds=$2 out=$3 title=${4:-"kagentd pid $1, ${2}s"}
here="$(cd "$(dirname "$0")" && pwd)"
tmp=$(mktemp -d /tmp/kagent-flame.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
perf record -q -F "${FREQ:-999}" --call-graph "${CALL_GRAPH:-dwarf,16384}" -p "$pid" -o "$tmp/perf.data" -- sleep "$seconds" >&2
perf script -i "$tmp/perf.data" 2>/dev/null > "$tmp/stacks.txt"
/usr/bin/python3 "$here/flamegraph.py" --title "$title" --max-depth "${MAX_DEPTH:-40}" \
  --min-percent "${MIN_PERCENT:-0.5}" < "$tmp/stacks.txt" > "$out"
echo "flamegraph svg=$out bytes=$(wc -c < "$out")"
