#!/usr/bin/env bash
# Restart with many unfinished jobs, and the memory of a large queue (issue 13).
# Starts kagentd (embedded PostgreSQL, fsync on, no-op stage tests/fixtures/fake-stage,
# --max-running=1), plants N queued jobs straight into the jobs table (shaped as
# kagentd writes them), kill -9s kagentd, starts it again and times /health, the
# first 201 of a POST /run and the end of the resume (GET /health "resuming" done;
# a server without it has resumed everything once /health answers). Then the memory
# round: QUEUE_N queued jobs, a restart, RSS once they are all in the queue.
# Prints RESULT lines; PHASE lines are kagentd's own start-up timings (its log).
#   N (100000), QUEUE_N (1000000; 0 skips the round), KAGENTD (build/kagentd)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
N=${N:-100000}
QUEUE_N=${QUEUE_N:-1000000}
KAGENTD=${KAGENTD:-$root/build/kagentd}
echo "command: N=$N QUEUE_N=$QUEUE_N KAGENTD=$KAGENTD bench/bench_restart.sh $*"
echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC') commit: $(git -C "$root" rev-parse --short HEAD)" \
     "kagentd: $KAGENTD (tree at $(git -C "$(dirname "$KAGENTD")/.." rev-parse --short HEAD 2>/dev/null))" \
     "load: $(cut -d' ' -f1-3 /proc/loadavg)"
source "$root/bench/lib.sh"
tmp=$(bench_tmp bench-restart)
stub_competition "$tmp/mirror" noop
port=$(free_port)
pid=
start_kagentd() {
  "$KAGENTD" --port="$port" --data-dir="$tmp/data" --competitions="$tmp/mirror" \
    --stage-bin="$root/tests/fixtures/fake-stage" --python=/opt/kagent/kagent-stage \
    --max-queued=10000000 --max-running=1 --log-level=info "$@" >> "$tmp/kagentd.log" 2>&1 &
  pid=$!
}
stop_kagentd() { kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap 'stop_kagentd; rm -rf "$tmp"' EXIT
ms_now() { echo $(( $(date +%s%N) / 1000000 )); }
health() { curl -fs "http://127.0.0.1:$port/health" 2>/dev/null; }
wait_health() { for _ in $(seq 1 30000); do health >/dev/null && return; sleep 0.01; done; exit 1; }
resume_done() {  # true once the resume is over (or the server has no background resume)
  local h; h=$(health) || return 1
  case $h in *'"resuming"'*) case $h in *'"done":true'*) return 0 ;; *) return 1 ;; esac ;; esac
}
wait_resumed() { for _ in $(seq 1 60000); do resume_done && return; sleep 0.05; done; exit 1; }
post() {
  curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -d '{"kaggle_url": "https://www.kaggle.com/competitions/noop"}' "http://127.0.0.1:$port/run"
}
psql_q() { psql "host=$tmp/data/pg/sock dbname=kagent user=kagent" -Atqc "$1"; }
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }
plant() {  # n: queued jobs, 1 ms apart, the newest a minute old
  psql_q "INSERT INTO jobs (id, owner, url, competition, status, created_at, metadata)
    SELECT gen_random_uuid(), '', 'https://www.kaggle.com/competitions/noop', 'noop', 'queued',
           now() - interval '1 minute' - (($1 - i) * interval '1 millisecond'),
           jsonb_build_object('competition', 'noop', 'source', 'api', 'progress', 0.0,
                              'stage_progress', 0.0, 'message', 'Queued')
    FROM generate_series(1, $1) AS i"
}
phases() { grep -o 'embedded PostgreSQL up ms=[0-9]*\|database ready ms=[0-9]*\|resume planned jobs=[0-9]* ms=[0-9]*\|kagentd listening.* ms=[0-9]*\|resumed jobs count=[0-9]*.*' "$tmp/kagentd.log" \
  | sed -e 's/kagentd listening.* ms=/listening ms=/' -e 's/^/PHASE /' || true; }

start_kagentd; wait_health
rss_idle=$(rss_mb)
t=$(ms_now); plant "$N"; echo "planted unfinished=$N in $(( $(ms_now) - t )) ms"
rss_before=$(rss_mb)
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
: > "$tmp/kagentd.log"
t0=$(ms_now); start_kagentd; wait_health; health_ms=$(( $(ms_now) - t0 ))
until [ "$(post)" = 201 ]; do sleep 0.01; done; post_ms=$(( $(ms_now) - t0 ))
wait_resumed; all_ms=$(( $(ms_now) - t0 ))
echo "RESULT restart unfinished=$N health_ms=$health_ms first_post_201_ms=$post_ms" \
     "all_resumed_ms=$all_ms rss_mb_before=$rss_before rss_mb_after=$(rss_mb)"
phases
if [ "$QUEUE_N" -gt 0 ]; then
  stop_kagentd
  : > "$tmp/kagentd.log"
  start_kagentd; wait_health
  psql_q "TRUNCATE jobs CASCADE"
  t=$(ms_now); plant "$QUEUE_N"; echo "planted queued=$QUEUE_N in $(( $(ms_now) - t )) ms"
  stop_kagentd
  t0=$(ms_now); start_kagentd; wait_health; wait_resumed
  echo "resumed queued=$QUEUE_N in $(( $(ms_now) - t0 )) ms (queue_length" \
       "$(health | grep -o '"queue_length":[0-9]*' | cut -d: -f2))"
  sleep 1
  rss=$(rss_mb)
  echo "RESULT queue_memory queued=$QUEUE_N rss_mb=$rss rss_mb_idle=$rss_idle" \
       "bytes_per_job=$(awk -v r="$rss" -v i="$rss_idle" -v n="$QUEUE_N" 'BEGIN {printf "%.0f", (r - i) * 1048576 / n}')"
  phases
fi
