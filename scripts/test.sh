#!/usr/bin/env bash
# Runs every test: builds, starts a throwaway PostgreSQL for the integration
# tests, then ctest (unit, integration, end-to-end). Extra args go to ctest,
# e.g. scripts/test.sh -L unit
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/build.sh"
eval "$(bash "$root/scripts/test-postgres.sh" start)"
trap 'bash "$root/scripts/test-postgres.sh" stop "$KAGENT_TEST_PG_DIR"' EXIT
cd "$root/build"
ctest --output-on-failure "$@"
