#!/usr/bin/env bash
# End-to-end no-op jobs (issue 13): JOBS jobs of four no-op stages
# (tests/fixtures/fake-stage) through kagentd, once per --max-running in
# RUNNING, then the reference stack's SEED_JOBS no-op jobs in the same run.
# Both are driven by the reference stack's own client (its bench/e2e.py:
# submit over SUBMITTERS connections, poll every job to success). Prints
# RESULT lines: wall time, jobs/s, and the orchestration overhead per stage
# attempt from kagent_stage_overhead_seconds (median, p99; bucket-interpolated).
#   bench/bench_jobs.sh [SEED_DIR]   the reference stack's folder (bench/e2e.py, bench.sh);
#                                    default $KAGENT_SHARED_DIR/anchors/seed-stack
#   env: JOBS (1000), RUNNING ("2 8"), SEED_JOBS (200; 0 skips the seed), SUBMITTERS (10),
#        KAGENTD (build/kagentd); extra kagentd options in KAGENTD_ARGS
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
SEED_DIR=${1:-${KAGENT_SHARED_DIR:+$KAGENT_SHARED_DIR/anchors/seed-stack}}
JOBS=${JOBS:-1000}
RUNNING=${RUNNING:-"2 8"}
SEED_JOBS=${SEED_JOBS:-200}
SUBMITTERS=${SUBMITTERS:-10}
KAGENTD=${KAGENTD:-$root/build/kagentd}
e2e="$SEED_DIR/bench/e2e.py"
[ -f "$e2e" ] || { echo "no $e2e: pass the reference stack's folder" >&2; exit 2; }
source "$root/bench/lib.sh"
tmp=$(bench_tmp bench-jobs)
pid=
stop() { [ -n "$pid" ] && { kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }; pid=; }
trap 'stop; rm -rf "$tmp"' EXIT
# e2e.py submits https://www.kaggle.com/competitions/titanic: a no-op here.
stub_competition "$tmp/mirror" titanic
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
echo "load=$(cut -d' ' -f1-3 /proc/loadavg) commit=$(git -C "$root" rev-parse --short HEAD) date=$(date -u +%FT%TZ)"
best=
for r in $RUNNING; do
  port=$(free_port)
  rm -rf "$tmp/data"
  # shellcheck disable=SC2086
  "$KAGENTD" --port="$port" --data-dir="$tmp/data" --competitions="$tmp/mirror" \
    --stage-bin="$root/tests/fixtures/fake-stage" --python=/opt/kagent/kagent-stage \
    --max-queued=10000000 --max-running="$r" --log-level=warn ${KAGENTD_ARGS:-} \
    > "$tmp/kagentd.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
  out=$(/usr/bin/python3 "$e2e" "http://127.0.0.1:$port" "$JOBS" "$SUBMITTERS" "$r") || true
  echo "kagentd max_running=$r $out"
  curl -fs "http://127.0.0.1:$port/jobs?status_filter=failed&limit=1" | grep -v '"total":0' | head -c 600 || true
  q=$(curl -fs "http://127.0.0.1:$port/metrics" \
      | /usr/bin/python3 "$root/bench/histogram_quantiles.py" kagent_stage_overhead_seconds 0.5 0.99)
  stop
  wall=$(echo "$out" | field client_all_success_s)
  ok=$(echo "$out" | field success)
  med=$(echo " $q" | field q0.5); p99=$(echo " $q" | field q0.99); cnt=$(echo " $q" | field count)
  echo "RESULT jobs n=$JOBS max_running=$r success=$ok wall_s=$wall" \
       "jobs_per_s=$(awk -v n="$ok" -v w="$wall" 'BEGIN {printf "%.1f", n / w}')" \
       "overhead_median_ms=$(awk -v x="$med" 'BEGIN {printf "%.3f", x * 1000}')" \
       "overhead_p99_ms=$(awk -v x="$p99" 'BEGIN {printf "%.3f", x * 1000}')" \
       "stage_attempts=$cnt makespan_s=$(echo "$out" | field server_makespan_s)"
  [ -z "$best" ] && best=$wall
  [ "$r" = 2 ] && best=$wall  # the ratio compares the default server (2 slots)
done
[ "$SEED_JOBS" -gt 0 ] || exit 0
echo "== reference stack: $SEED_JOBS no-op jobs (Celery, 2 slots; uvicorn httptools+uvloop, 1 worker)"
# Its bench.sh always runs its short wrk phases first; the quiet-machine waits are off
# (QUIET_MAX/NOISY_MAX high): this run records the load instead.
seed=$( cd "$SEED_DIR" && DURATION=1 WARMUP=1 UVICORN_WORKERS=1 HTTP_STACKS="httptools:uvloop" \
          E2E_JOBS="$SEED_JOBS" E2E_SUBMITTERS="$SUBMITTERS" QUIET_MAX=64 NOISY_MAX=64 \
          NOISY_RETRIES=0 bash ./bench.sh 2>"$tmp/seed.err" | grep -o 'E2E jobs=.*' | head -n 1 ) || true
[ -n "$seed" ] || { echo "the reference stack did not run:" >&2; tail -n 5 "$tmp/seed.err" >&2; exit 1; }
echo "seed $seed"
swall=$(echo " $seed" | field client_all_success_s)
echo "RESULT seed jobs n=$SEED_JOBS wall_s=$swall scaled_to_${JOBS}_s=$(awk -v w="$swall" -v n="$SEED_JOBS" -v m="$JOBS" 'BEGIN {printf "%.2f", w * m / n}')"
echo "RESULT ratio jobs kagentd_max_running_2_vs_seed_scaled=$(awk -v w="$swall" -v n="$SEED_JOBS" -v m="$JOBS" -v k="$best" 'BEGIN {printf "%.1f", w * m / n / k}')x (goal >= 20x)"
echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
