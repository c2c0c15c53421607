#!/usr/bin/env bash
# From a fresh clone: installs what is missing, builds, starts kagentd on the
# embedded defaults (private PostgreSQL in ./var, bundled example
# competitions), submits one example, follows it to the end and says where
# submission.csv is. The server keeps running; Ctrl-C stops it cleanly.
#   KAGENT_PORT (8000), KAGENT_EXAMPLE (first bundled competition); extra
#   arguments go to kagentd (see build/kagentd --help).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/build.sh"

port=${KAGENT_PORT:-8000}
data="$root/var"
base="http://127.0.0.1:$port"
example=${KAGENT_EXAMPLE:-$(ls "$root/examples/competitions" | head -n 1)}
json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

"$root/build/kagentd" --port="$port" --data-dir="$data" "$@" &
server=$!
trap 'kill -INT $server 2>/dev/null; wait $server; exit 0' INT TERM
for _ in $(seq 1 300); do
  curl -fs "$base/health" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { echo "kagentd did not start" >&2; exit 1; }
  sleep 0.2
done

echo "== submitting https://www.kaggle.com/competitions/$example"
job=$(curl -fsS -X POST "$base/run" -H 'Content-Type: application/json' \
  -d "{\"kaggle_url\": \"https://www.kaggle.com/competitions/$example\"}" | json 'd["job_id"]')
echo "job $job"
last=
while :; do
  status=$(curl -fsS "$base/status/$job")
  line=$(printf '%s' "$status" | json 'd["status"] + "  " + d["progress"] + "  " + str(d["metadata"].get("message", ""))')
  [ "$line" != "$last" ] && echo "  $line" && last=$line
  state=$(printf '%s' "$status" | json 'd["status"]')
  case "$state" in success|failed|timeout|cancelled) break ;; esac
  sleep 1
done

if [ "$state" = success ]; then
  out="$data/submissions/$job"
  mkdir -p "$out"
  curl -fsS "$base/result/$job/submission.csv" -o "$out/submission.csv"
  curl -fsS "$base/result/$job/solution.py" -o "$out/solution.py"
  printf '%s' "$status" | json '"model: %s  cv %s: %s" % (d["metadata"].get("chosen_model"), d["metadata"].get("metric"), d["metadata"].get("cv_score"))'
  echo "== submission.csv: $out/submission.csv  (also $base/result/$job/submission.csv)"
else
  echo "== job ended $state: $(curl -fsS "$base/status/$job" | json 'd.get("error_message")')"
fi
echo "== kagentd keeps running at $base (dashboard: $base/ ; API: /jobs, /status/ID, /logs/ID); Ctrl-C stops it"
wait $server
