#!/usr/bin/env bash
# API throughput of kagentd: POST /run (every 201 checked durable in the
# database afterwards) and GET /status, with wrk, on the embedded PostgreSQL
# (fsync on) and a no-op stage (tests/fixtures/fake-stage). Prints RESULT lines.
#   DURATION (10), CONNS ("64"), RUNNING (1), KAGENTD (build/kagentd)
#   POST_DURATION (DURATION): how long POST /run fills the queue per CONNS entry
#   STATUS_KINDS: unset = GET /status of the first job created (as always); else
#     any of "finished running queued": before the POSTs one job is run to success,
#     one (competition "slow", its stage sleeps) holds the slot (RUNNING=1) and one
#     waits behind it; each kind is read before the POSTs (queue=small) and after
#     them (queue=large: the POSTed jobs stay queued).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
RUNNING=${RUNNING:-1}
KAGENTD=${KAGENTD:-$root/build/kagentd}
POST_DURATION=${POST_DURATION:-$DURATION}
STATUS_KINDS=${STATUS_KINDS:-}
source "$root/bench/lib.sh"
tmp=$(bench_tmp bench)
stub_competition "$tmp/mirror" noop
stub_competition "$tmp/mirror" slow "sleep analyze 3600"
port=$(free_port)
"$KAGENTD" --port="$port" --data-dir="$tmp/data" --competitions="$tmp/mirror" \
  --stage-bin="$root/tests/fixtures/fake-stage" --python=/opt/kagent/kagent-stage \
  --max-queued=10000000 --max-running="$RUNNING" --log-level=warn "$@" > "$tmp/kagentd.log" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
psql_q() { psql "host=$tmp/data/pg/sock dbname=kagent user=kagent" -Atc "$1"; }
rss() { awk '/VmRSS/ {print $2}' /proc/$pid/status; }
echo "kagentd rss_kb_idle=$(rss)"
post_one() {
  curl -fs -X POST -H 'Content-Type: application/json' \
    -d "{\"kaggle_url\": \"https://www.kaggle.com/competitions/$1\"}" \
    "http://127.0.0.1:$port/run" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["job_id"])'
}
wait_status() {  # job status
  for _ in $(seq 1 300); do [ "$(psql_q "SELECT status FROM jobs WHERE id='$1'")" = "$2" ] && return; sleep 0.1; done
  echo "job $1 never became $2" >&2; exit 1
}
get_status() {  # job label
  for c in $CONNS; do
    KAGENT_BENCH_JOB=$1 wrk -t2 -c"$c" -d"${DURATION}s" -s "$root/bench/get_status.lua" \
      "http://127.0.0.1:$port" | grep RESULT | sed "s/^/GET \/status $2conns=$c /"
  done
}
status_round() {  # queue label; reads each kind of STATUS_KINDS
  for kind in $STATUS_KINDS; do
    case $kind in
      finished) job=$finished_job ;;
      running) job=$running_job ;;
      queued) job=$queued_job ;;
      *) echo "unknown status kind $kind" >&2; exit 2 ;;
    esac
    echo "STATUS kind=$kind queue=$1 job=$job status=$(psql_q "SELECT status FROM jobs WHERE id='$job'") queued_jobs=$(psql_q "SELECT count(*) FROM jobs WHERE status='queued'")"
    get_status "$job" "kind=$kind queue=$1 "
  done
}
if [ -n "$STATUS_KINDS" ]; then
  finished_job=$(post_one noop); wait_status "$finished_job" success
  running_job=$(post_one slow); wait_status "$running_job" running
  queued_job=$(post_one noop)  # waits behind the slow job
  status_round small
fi
for c in $CONNS; do
  rm -f "$tmp/ids".*
  KAGENT_BENCH_IDS="$tmp/ids" wrk -t2 -c"$c" -d"${POST_DURATION}s" --timeout 10s \
    -s "$root/bench/post_run.lua" "http://127.0.0.1:$port" | grep RESULT | sed "s/^/POST \/run conns=$c /"
  cat "$tmp/ids".* | sort -u > "$tmp/ids.all"
  n=$(wc -l < "$tmp/ids.all")
  psql_q "SELECT id FROM jobs" | sort > "$tmp/rows"
  missing=$(comm -23 "$tmp/ids.all" "$tmp/rows" | wc -l)
  echo "DURABLE conns=$c created=$n missing_rows=$missing"
done
echo "kagentd rss_kb_after_post=$(rss) queued_jobs=$(psql_q "SELECT count(*) FROM jobs WHERE status='queued'")"
if [ -z "$STATUS_KINDS" ]; then
  get_status "$(head -n 1 "$tmp/ids.all")" ""
else
  queued_job=$(tail -n 1 "$tmp/ids.all")  # one of the last POSTs: deep in the queue
  status_round large
fi
