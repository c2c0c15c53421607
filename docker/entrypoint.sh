#!/bin/sh
# The image's entry point. `kagent-entrypoint --flag...` runs kagentd with those
# flags; `kagent-entrypoint keys ...` runs `kagentd keys ...`; anything else
# runs as a command (sh, kagent-stage, ...).
#
# KAGENT_KEY_FILE=PATH: kagentd refuses a non-loopback --host without an API
# key, so on the first start (PATH missing or empty) an admin key named
# $KAGENT_KEY_NAME (default admin) is created in the database kagentd will use
# (DATABASE_URL / --database-url, else the embedded one in --data-dir) and
# written to PATH (mode 600). Later starts keep it. Clients read it from there.
set -eu
case "${1:-}" in
  keys) exec /usr/local/bin/kagentd "$@" ;;
  -*) ;;
  "") set -- --host=0.0.0.0 --port=8000 --data-dir=/var/lib/kagent \
             --competitions=/usr/share/kagent/competitions:/competitions ;;
  *) exec "$@" ;;
esac
if [ -n "${KAGENT_KEY_FILE:-}" ] && [ ! -s "$KAGENT_KEY_FILE" ]; then
  db_args=""
  for a in "$@"; do
    case "$a" in
      --database-url=*|--data-dir=*|--pg-dir=*) db_args="$db_args $a" ;;
    esac
  done
  mkdir -p "$(dirname "$KAGENT_KEY_FILE")"
  # umask in a subshell only: kagentd itself must keep 022, or the staging
  # directories it makes for a stage are 0700 and the sandbox user cannot
  # reach the competition through them.
  # shellcheck disable=SC2086  # db_args holds whole --name=value words
  if ! (umask 077 && exec /usr/local/bin/kagentd keys create \
          --name="${KAGENT_KEY_NAME:-admin}" --admin $db_args > "$KAGENT_KEY_FILE.tmp"); then
    rm -f "$KAGENT_KEY_FILE.tmp"
    echo "kagent-entrypoint: could not create the API key for $KAGENT_KEY_FILE" \
         "(a key named ${KAGENT_KEY_NAME:-admin} may already exist while the file was lost:" \
         "set KAGENT_KEY_NAME to another name, or revoke it with kagentd keys revoke)" >&2
    exit 1
  fi
  mv "$KAGENT_KEY_FILE.tmp" "$KAGENT_KEY_FILE"
  echo "kagent-entrypoint: admin key '${KAGENT_KEY_NAME:-admin}' written to $KAGENT_KEY_FILE" >&2
fi
exec /usr/local/bin/kagentd "$@"
