#!/usr/bin/env bash
# Installs every Debian package kagent needs to build, run, test and benchmark.
# Idempotent: quiet and fast when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates curl procps
  libcaf-dev libboost-dev libboost-system-dev libpq-dev rapidjson-dev
  libspdlog-dev libfmt-dev libcurl4-openssl-dev libarchive-dev libssl-dev
  postgresql-15 postgresql-client-15 bubblewrap
  python3 python3-numpy python3-pandas python3-sklearn python3-xgboost python3-scipy
  wrk
  clang libclang-rt-14-dev
  chromium chromium-driver python3-selenium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
