#!/usr/bin/env bash
# A clone is a whole project: no file of the repository may point at the
# shared folder that lies beside the clone on CI (tests find it through
# KAGENT_SHARED_DIR, set by scripts/test.sh; docs say what it is).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pattern='\.\./'"shared"   # spelled in two parts so this file does not match itself
hits=$(grep -rnE "$pattern" "$root" --exclude-dir=.git --exclude-dir='build*' \
         --exclude-dir=var --exclude-dir=node_modules -I || true)
if [ -n "$hits" ]; then
  echo "files that refer to a folder outside the repository:"
  echo "$hits"
  exit 1
fi
echo "self-contained: no file refers to a folder beside the clone"
