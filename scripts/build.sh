#!/usr/bin/env bash
# Installs what is missing, then configures and builds kagent into ./build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" 2>&1 | grep -Ev '^\[ *[0-9]+%\] (Building|Linking|Built)' || true
test -x "$root/build/kagentd" && test -x "$root/build/kagent-stage"
