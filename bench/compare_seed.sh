#!/usr/bin/env bash
# kagentd beside the reference stack (FastAPI + Celery + Redis + PostgreSQL,
# ../shared/anchors/seed-stack) in one run, so figures compare as ratios.
# Both use PostgreSQL with fsync on; both answer 201 only after the commit.
#   DURATION (10); SEED_DIR (../shared/anchors/seed-stack)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
DURATION=${DURATION:-10}
SEED_DIR=${SEED_DIR:-$root/../shared/anchors/seed-stack}
echo "== kagentd (1 process; embedded PostgreSQL; no-op stage)"
DURATION=$DURATION CONNS="50 64 256" bash "$root/bench/bench_api.sh"
echo "== seed stack (uvicorn httptools+uvloop, 1 worker; Celery; Redis; PostgreSQL)"
# The seed script copies its app into a temp dir and cleans up after itself.
( cd "$SEED_DIR" && DURATION=$DURATION UVICORN_WORKERS=1 HTTP_STACKS="httptools:uvloop" \
    E2E_JOBS=${E2E_JOBS:-0} QUIET_MAX=${QUIET_MAX:-8} NOISY_MAX=${NOISY_MAX:-16} bash ./bench.sh ) 2>&1 \
  | grep -E "RESULT|rps|req/s|POST|GET" || true
