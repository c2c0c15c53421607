#!/usr/bin/env bash
# kagentd beside the reference stack (FastAPI + Celery + Redis + PostgreSQL; not
# part of this repository) in one run, so figures compare as ratios.
# Both use PostgreSQL with fsync on; both answer 201 only after the commit.
#   bench/compare_seed.sh SEED_DIR     the reference stack's folder (its bench.sh);
#                                      default $KAGENT_SHARED_DIR/anchors/seed-stack
#   env: DURATION (10)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
DURATION=${DURATION:-10}
SEED_DIR=${1:-${KAGENT_SHARED_DIR:+$KAGENT_SHARED_DIR/anchors/seed-stack}}
if [ -z "$SEED_DIR" ] || [ ! -f "$SEED_DIR/bench.sh" ]; then
  echo "usage: bench/compare_seed.sh SEED_DIR  (the reference stack's folder with bench.sh)" >&2
  exit 2
fi
echo "== kagentd (1 process; embedded PostgreSQL; no-op stage)"
DURATION=$DURATION CONNS="50 64 256" bash "$root/bench/bench_api.sh"
echo "== seed stack (uvicorn httptools+uvloop, 1 worker; Celery; Redis; PostgreSQL)"
# The seed script copies its app into a temp dir and cleans up after itself.
( cd "$SEED_DIR" && DURATION=$DURATION UVICORN_WORKERS=1 HTTP_STACKS="httptools:uvloop" \
    E2E_JOBS=${E2E_JOBS:-0} QUIET_MAX=${QUIET_MAX:-8} NOISY_MAX=${NOISY_MAX:-16} bash ./bench.sh ) 2>&1 \
  | grep -E "RESULT|rps|req/s|POST|GET" || true
