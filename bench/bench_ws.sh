#!/usr/bin/env bash
# WebSocket fan-out of kagentd (issue 13): N subscribers on one job's
# /ws/jobs/{id}, each must get every event; delivery delay = kernel receive
# time of the frame minus the event's time. Prints a RESULT line.
#   N (10000), PROCS (2): subscribers and client processes
#   TICKS (20): the job's analyze stage prints one progress line a second this long
#   CHATTY (200): then this many log lines at once (a burst)
#   KAGENTD (build/kagentd); extra arguments go to kagentd
# The session caps are lifted by options for the bench (all clients are one
# address): --max-websockets=0 --max-websockets-per-client=0. The per-session
# and server-wide queue bounds (--ws-queue-bytes, --ws-total-queue-bytes) stay
# at their defaults, so the slow-consumer policy is what a server runs with.
# The job waits behind a blocker job (--max-running=1) until every subscriber
# is connected, then the blocker is cancelled and the job runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
N=${N:-10000}
PROCS=${PROCS:-2}
TICKS=${TICKS:-20}
CHATTY=${CHATTY:-200}
KAGENTD=${KAGENTD:-$root/build/kagentd}
ulimit -n "$(ulimit -Hn)"
need=$((N + 256))
[ "$(ulimit -n)" -ge "$need" ] || { echo "ulimit -n $(ulimit -n) < $need" >&2; exit 2; }
source "$root/bench/lib.sh"
tmp=$(bench_tmp bench-ws)
stub_competition "$tmp/mirror" ticker "sleep analyze $TICKS" "chatty analyze $CHATTY"
stub_competition "$tmp/mirror" blocker "sleep analyze 3600"
port=$(free_port)
"$KAGENTD" --port="$port" --data-dir="$tmp/data" --competitions="$tmp/mirror" \
  --stage-bin="$root/tests/fixtures/fake-stage" --python=/opt/kagent/kagent-stage \
  --max-running=1 --max-websockets=0 --max-websockets-per-client=0 --log-level=warn "$@" \
  > "$tmp/kagentd.log" 2>&1 &
pid=$!
cleanup() {
  kill -0 $pid 2>/dev/null || { echo "kagentd died:" >&2; tail -n 20 "$tmp/kagentd.log" >&2; }
  kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"
}
trap cleanup EXIT
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
post_one() {
  curl -fs -X POST -H 'Content-Type: application/json' \
    -d "{\"kaggle_url\": \"https://www.kaggle.com/competitions/$1\"}" \
    "http://127.0.0.1:$port/run" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["job_id"])'
}
status_of() {
  curl -fs "http://127.0.0.1:$port/status/$1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'
}
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' /proc/$pid/status; }
blocker=$(post_one blocker)
for _ in $(seq 1 300); do [ "$(status_of "$blocker")" = running ] && break; sleep 0.1; done
job=$(post_one ticker)
echo "kagentd pid=$pid rss_mb_idle=$(rss_mb) job=$job load=$(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 "$root/bench/ws_subscribers.py" --port="$port" \
  --path="/ws/jobs/$job?since=0" --n="$N" --procs="$PROCS" > "$tmp/client.out" 2>&1 &
client=$!
until grep -q '^READY' "$tmp/client.out" 2>/dev/null; do
  kill -0 "$client" 2>/dev/null || { cat "$tmp/client.out"; exit 1; }
  sleep 0.2
done
grep '^READY' "$tmp/client.out"
echo "kagentd rss_mb_connected=$(rss_mb)"
curl -fs -X DELETE "http://127.0.0.1:$port/jobs/$blocker" >/dev/null
rss_peak=0
while kill -0 "$client" 2>/dev/null; do
  r=$(rss_mb); rss_peak=$(awk -v a="$r" -v b="$rss_peak" 'BEGIN {print (a > b) ? a : b}')
  sleep 0.5
done
wait "$client" || true
grep -v -e '^RESULT' -e '^READY' "$tmp/client.out" | sort | uniq -c | sort -rn | head -20 || true
echo "job status=$(status_of "$job") slow_consumer_closes=$(curl -fs "http://127.0.0.1:$port/metrics" | awk '/^kagent_ws_slow_consumers_total/ {print $2}')"
grep '^RESULT' "$tmp/client.out" | sed "s/\$/ rss_mb=$rss_peak/"
