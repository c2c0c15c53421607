#!/usr/bin/env bash
# Installs every Debian package kagent needs to build, run, test and benchmark,
# and the unprivileged system user stages run as when kagentd is root.
# Idempotent: quiet and fast when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates curl procps
  libcaf-dev libboost-dev libboost-system-dev libpq-dev rapidjson-dev
  libspdlog-dev libfmt-dev libcurl4-openssl-dev libarchive-dev libssl-dev
  prometheus-cpp-dev prometheus
  postgresql-15 postgresql-client-15 bubblewrap
  python3 python3-numpy python3-pandas python3-sklearn python3-xgboost python3-scipy
  python3-yaml python3-jsonschema
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
# npm runs scripts/lint-openapi.sh (Redocly's CLI); any npm will do, e.g. the
# one NodeSource's nodejs package brings, so Debian's is installed only
# when there is none.
command -v npm >/dev/null || missing+=(npm)
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Stages never run as root (docs/ARCHITECTURE.md, the sandbox): kagentd, when root, runs them as this
# user. No home, no shell, no password; --sandbox-user names another one.
sandbox_user=kagent-sandbox
if ! getent passwd "$sandbox_user" >/dev/null; then
  echo "install-deps: creating system user $sandbox_user"
  $SUDO useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$sandbox_user"
fi
