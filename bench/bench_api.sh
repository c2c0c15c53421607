#!/usr/bin/env bash
# API throughput of kagentd: POST /run (every 201 checked durable in the
# database afterwards) and GET /status, with wrk, on the embedded PostgreSQL
# (fsync on) and a no-op stage (tests/fixtures/fake-stage). Prints RESULT lines.
#   DURATION (10), CONNS ("64"), RUNNING (1)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
RUNNING=${RUNNING:-1}
tmp=$(mktemp -d /tmp/kagent-bench.XXXXXX); chmod 755 "$tmp"
mkdir -p "$tmp/mirror/noop/public"; echo "https://www.kaggle.com/competitions/noop" > "$tmp/mirror/noop/description.md"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$root/build/kagentd" --port="$port" --data-dir="$tmp/data" --competitions="$tmp/mirror" \
  --stage-bin="$root/tests/fixtures/fake-stage" --python=/opt/kagent/kagent-stage \
  --max-queued=10000000 --max-running="$RUNNING" --log-level=warn "$@" > "$tmp/kagentd.log" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
psql_q() { psql "host=$tmp/data/pg/sock dbname=kagent user=kagent" -Atc "$1"; }
rss() { awk '/VmRSS/ {print $2}' /proc/$pid/status; }
echo "kagentd rss_kb_idle=$(rss)"
for c in $CONNS; do
  rm -f "$tmp/ids".*
  KAGENT_BENCH_IDS="$tmp/ids" wrk -t2 -c"$c" -d"${DURATION}s" --timeout 10s \
    -s "$root/bench/post_run.lua" "http://127.0.0.1:$port" | grep RESULT | sed "s/^/POST \/run conns=$c /"
  cat "$tmp/ids".* | sort -u > "$tmp/ids.all"
  n=$(wc -l < "$tmp/ids.all")
  psql_q "SELECT id FROM jobs" | sort > "$tmp/rows"
  missing=$(comm -23 "$tmp/ids.all" "$tmp/rows" | wc -l)
  echo "DURABLE conns=$c created=$n missing_rows=$missing"
done
echo "kagentd rss_kb_after_post=$(rss) queued_jobs=$(psql_q "SELECT count(*) FROM jobs WHERE status='queued'")"
job=$(head -n 1 "$tmp/ids.all")
for c in $CONNS; do
  KAGENT_BENCH_JOB=$job wrk -t2 -c"$c" -d"${DURATION}s" -s "$root/bench/get_status.lua" \
    "http://127.0.0.1:$port" | grep RESULT | sed "s/^/GET \/status conns=$c /"
done
