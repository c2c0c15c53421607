# PostgreSQL 15 from Debian 12's packages, for compose.yaml (no registry here,
# so not the official postgres image; this is the small part of it we use).
# Build context: docker/.  Environment as in the official image: POSTGRES_USER,
# POSTGRES_PASSWORD (required), POSTGRES_DB (default: the user). The first start
# initialises PGDATA (a volume); later starts reuse it.
FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
RUN mkdir -p "$PGDATA" /run/postgresql \
    && chown -R postgres:postgres /var/lib/postgresql /run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint
EXPOSE 5432
VOLUME ["/var/lib/postgresql/data"]
# SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for every client).
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]
