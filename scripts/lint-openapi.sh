#!/usr/bin/env bash
# Lints docs/openapi.yaml with Redocly's CLI (rules in redocly.yaml). The CLI
# is installed once, at a pinned version, into a cache outside the source tree
# (KAGENT_REDOCLY_DIR, default ${XDG_CACHE_HOME:-$HOME/.cache}/kagent/redocly);
# later runs need no network.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version=2.77.0
dir="${KAGENT_REDOCLY_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kagent/redocly-$version}"
bin="$dir/node_modules/.bin/redocly"
if [ ! -x "$bin" ]; then
  command -v npm >/dev/null || { echo "lint-openapi: npm is missing (apt-get install npm)" >&2; exit 1; }
  mkdir -p "$dir"
  # A private prefix: nothing global, nothing in the repository.
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error \
    "@redocly/cli@$version" >&2
fi
cd "$root"
# No telemetry from a test run.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
exec "$bin" lint --config redocly.yaml docs/openapi.yaml "$@"
