#!/usr/bin/env bash
# Runs every test: builds, then ctest (unit, integration, security, end-to-end,
# lint, fuzz), which starts a throwaway PostgreSQL for the tests that need one.
# Extra args go to ctest, e.g. scripts/test.sh -L unit
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/build.sh"
# The shared development competitions, when a folder named `shared` lies beside
# the clone (as on CI) or KAGENT_SHARED_DIR names one; the tests that grade
# against them are reported as skipped without it.
beside="$(dirname "$root")/shared"
if [ -z "${KAGENT_SHARED_DIR:-}" ] && [ -d "$beside/competitions" ]; then
  KAGENT_SHARED_DIR="$beside"
fi
export KAGENT_SHARED_DIR="${KAGENT_SHARED_DIR:-}"
cd "$root/build"
# ctest's test_pg fixture starts the integration tests' PostgreSQL (tests/CMakeLists.txt).
ctest --output-on-failure "$@"
