#!/usr/bin/env bash
# POST /run past what kagentd admits: one job (its stage sleeps) holds the
# only slot, the queue takes MAX_QUEUED (64) more, and every POST after that
# is refused with 429. Prints one RESULT line per CONNS entry with the
# latency of all answers (nearly all 429s) and every 201 checked durable.
#   DURATION (10), CONNS ("64 256"), MAX_QUEUED (64), KAGENTD (build/kagentd)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
DURATION=${DURATION:-10}
CONNS=${CONNS:-"64 256"}
MAX_QUEUED=${MAX_QUEUED:-64}
KAGENTD=${KAGENTD:-$root/build/kagentd}
source "$root/bench/lib.sh"
tmp=$(bench_tmp overload)
stub_competition "$tmp/mirror" noop
stub_competition "$tmp/mirror" slow "sleep analyze 3600"
port=$(free_port)
"$KAGENTD" --port="$port" --data-dir="$tmp/data" --competitions="$tmp/mirror" \
  --stage-bin="$root/tests/fixtures/fake-stage" --python=/opt/kagent/kagent-stage \
  --max-queued="$MAX_QUEUED" --max-running=1 --log-level=warn "$@" > "$tmp/kagentd.log" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
psql_q() { psql "host=$tmp/data/pg/sock dbname=kagent user=kagent" -Atc "$1"; }
curl -fs -X POST -H 'Content-Type: application/json' \
  -d '{"kaggle_url": "https://www.kaggle.com/competitions/slow"}' "http://127.0.0.1:$port/run" >/dev/null
for _ in $(seq 1 300); do [ "$(psql_q "SELECT count(*) FROM jobs WHERE status='running'")" = 1 ] && break; sleep 0.1; done
for c in $CONNS; do
  rm -f "$tmp/ids".*
  line=$(KAGENT_BENCH_IDS="$tmp/ids" wrk -t2 -c"$c" -d"${DURATION}s" --timeout 10s \
    -s "$root/bench/post_run.lua" "http://127.0.0.1:$port" | grep RESULT)
  field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$line"; }
  cat "$tmp/ids".* | sort -u > "$tmp/ids.all"
  psql_q "SELECT id FROM jobs" | sort > "$tmp/rows"
  missing=$(comm -23 "$tmp/ids.all" "$tmp/rows" | wc -l)
  echo "RESULT overload conns=$c max_queued=$MAX_QUEUED rps=$(field rps) p50_ms=$(field p50_ms)" \
       "p99_ms=$(field p99_ms) status_429=$(field refused) status_201=$(field created)" \
       "other=$(field other) missing_rows=$missing"
done
