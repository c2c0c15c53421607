#!/bin/sh
# docker/postgres.Dockerfile's entry point: initialises $PGDATA on the first
# start (user $POSTGRES_USER with $POSTGRES_PASSWORD, database $POSTGRES_DB),
# then runs postgres as the postgres user, listening on every address.
set -eu
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  chown postgres "$pwfile"
  # Socket connections inside the container (this script, pg_isready) are
  # trusted; every TCP connection needs the password.
  as_postgres initdb --username="$user" --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' \
    >> "$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    as_postgres pg_ctl -w -s -o "-c listen_addresses=" start
    as_postgres createdb --username="$user" --owner="$user" "$db"
    as_postgres pg_ctl -w -s -m fast stop
  fi
  echo "postgres-entrypoint: initialised $PGDATA (user $user, database $db)"
fi
# exec: postgres is PID 1 and gets the stop signal itself.
exec setpriv --reuid=postgres --regid=postgres --init-groups \
  postgres -c listen_addresses='*' "$@"
