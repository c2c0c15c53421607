#!/usr/bin/env bash
# Starts (or stops) the throwaway PostgreSQL 15 cluster the integration tests
# run against, on a Unix socket in a temp dir.
#   start            prints shell lines: export KAGENT_TEST_DATABASE_URL=... KAGENT_TEST_PG_DIR=...
#   stop DIR         stops it and removes DIR
#   start-env FILE   starts one and writes KEY=VALUE lines into FILE (ctest's
#                    test_pg fixture; tests/integration/harness.py reads FILE)
#   stop-env FILE    stops the one FILE names and removes FILE
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/kagent-test-pg.XXXXXX)
    chmod 755 "$dir"
    mkdir -p "$dir/data" "$dir/sock"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
    as_pg "$PGBIN/initdb" -D "$dir/data" -A trust -U kagent --no-sync >"$dir/initdb.log" 2>&1
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-c listen_addresses='' -k $dir/sock -c max_connections=100" start >/dev/null
    as_pg "$PGBIN/createdb" -h "$dir/sock" -U kagent kagent_test
    echo "export KAGENT_TEST_DATABASE_URL='host=$dir/sock dbname=kagent_test user=kagent'"
    echo "export KAGENT_TEST_PG_DIR='$dir'"
    ;;
  start-env)
    file=${2:?usage: test-postgres.sh start-env FILE}
    lines=$("$0" start)
    eval "$lines"
    printf 'KAGENT_TEST_DATABASE_URL=%s\nKAGENT_TEST_PG_DIR=%s\n' \
      "$KAGENT_TEST_DATABASE_URL" "$KAGENT_TEST_PG_DIR" > "$file"
    echo "test PostgreSQL in $KAGENT_TEST_PG_DIR"
    ;;
  stop-env)
    file=${2:?usage: test-postgres.sh stop-env FILE}
    if [ -f "$file" ]; then
      dir=$(sed -n 's/^KAGENT_TEST_PG_DIR=//p' "$file")
      [ -n "$dir" ] && "$0" stop "$dir"
      rm -f "$file"
    fi
    ;;
  stop)
    dir=${2:?usage: test-postgres.sh stop DIR}
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start | stop DIR | start-env FILE | stop-env FILE" >&2; exit 2 ;;
esac
