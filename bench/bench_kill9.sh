#!/usr/bin/env bash
# The durability round: wrk POSTs /run at CONNS connections, kagentd is killed
# with kill -9 in the middle of it, restarted on the same data directory, and
# every job id that got a 201 must be in PostgreSQL and be resumed (queued,
# running or finished). Embedded PostgreSQL (fsync on), no-op stage.
# Prints RESULT lines.
#   CONNS (256), DURATION (10 s of POSTs), KILL_AFTER (DURATION/2 s),
#   ROUNDS (1), KAGENTD (build/kagentd)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
CONNS=${CONNS:-256}
DURATION=${DURATION:-10}
KILL_AFTER=${KILL_AFTER:-$((DURATION / 2))}
ROUNDS=${ROUNDS:-1}
KAGENTD=${KAGENTD:-$root/build/kagentd}
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') commit $(git -C "$root" rev-parse --short HEAD)" \
  "load $(cut -d' ' -f1 /proc/loadavg) CONNS=$CONNS DURATION=$DURATION KILL_AFTER=$KILL_AFTER"
source "$root/bench/lib.sh"
tmp=$(bench_tmp kill9)
stub_competition "$tmp/mirror" noop
port=$(free_port)
pid=
start() {
  "$KAGENTD" --port="$port" --data-dir="$tmp/data" --competitions="$tmp/mirror" \
    --stage-bin="$root/tests/fixtures/fake-stage" --python=/opt/kagent/kagent-stage \
    --max-queued=10000000 --max-running=1 --log-level=warn >> "$tmp/kagentd.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && return; sleep 0.1; done
  echo "kagentd did not answer /health:"; tail -20 "$tmp/kagentd.log"; exit 1
}
trap 'kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
psql_q() { psql "host=$tmp/data/pg/sock dbname=kagent user=kagent" -Atc "$1"; }
start
for round in $(seq 1 "$ROUNDS"); do
  rm -f "$tmp/ids".*
  KAGENT_BENCH_IDS="$tmp/ids" wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 2s \
    -s "$root/bench/post_run.lua" "http://127.0.0.1:$port" > "$tmp/wrk.out" 2>&1 &
  wrk_pid=$!
  sleep "$KILL_AFTER"
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
  wait "$wrk_pid" || true
  t0=$(date +%s%N)
  start
  health_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  cat "$tmp/ids".* | sort -u > "$tmp/ids.all"
  psql_q "SELECT id FROM jobs" | sort > "$tmp/rows"
  created=$(wc -l < "$tmp/ids.all")
  missing=$(comm -23 "$tmp/ids.all" "$tmp/rows" | wc -l)
  # Every acknowledged job must be live or done after the restart, none failed by the kill.
  comm -12 "$tmp/ids.all" "$tmp/rows" > "$tmp/found"
  psql_q "SELECT id, status FROM jobs" | sort > "$tmp/status"
  not_live=$(join -t'|' "$tmp/found" "$tmp/status" | awk -F'|' '$2 !~ /^(queued|running|success)$/' | wc -l)
  echo "RESULT kill9 round=$round conns=$CONNS created=$created missing=$missing" \
    "not_resumed=$not_live restart_health_ms=$health_ms $(grep -o 'rps=[0-9.]*' "$tmp/wrk.out" || echo rps=-)"
  [ "$missing" -eq 0 ] && [ "$not_live" -eq 0 ] || { echo "DURABILITY BROKEN"; exit 1; }
done
