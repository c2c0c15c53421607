#include "persistence/migrations.hpp"

#include <vector>

#include "core/log.hpp"

namespace kagent::pg {

namespace {

// Arbitrary constant shared by every kagentd: serialises concurrent migrations.
constexpr const char* lock_key = "7306247431";

struct migration {
  int version;
  const char* sql;
};

// Append only: a released migration never changes.
const std::vector<migration>& all_migrations() {
  static const std::vector<migration> list{
    {1, R"sql(
CREATE TABLE jobs (
  id uuid PRIMARY KEY,
  owner text NOT NULL DEFAULT '',
  url text NOT NULL,
  competition text NOT NULL DEFAULT '',
  status text NOT NULL,
  stage text NOT NULL DEFAULT '',
  attempt integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  completed_at timestamptz,
  node text NOT NULL DEFAULT '',
  error text NOT NULL DEFAULT '',
  metadata jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX jobs_created_at_idx ON jobs (created_at DESC);
CREATE INDEX jobs_status_idx ON jobs (status, created_at DESC);

-- A stage is done once its row is committed; its small output files are
-- bytea so any content (NUL bytes, any encoding) round-trips.
CREATE TABLE job_stages (
  job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  stage text NOT NULL,
  duration_ms bigint NOT NULL DEFAULT 0,
  finished_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, stage)
);
CREATE TABLE job_stage_files (
  job_id uuid NOT NULL,
  stage text NOT NULL,
  name text NOT NULL,
  content bytea NOT NULL,
  PRIMARY KEY (job_id, stage, name),
  FOREIGN KEY (job_id, stage) REFERENCES job_stages (job_id, stage) ON DELETE CASCADE
);

CREATE TABLE job_events (
  job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  time timestamptz NOT NULL,
  stage text NOT NULL DEFAULT '',
  kind text NOT NULL,
  message text NOT NULL DEFAULT '',
  progress double precision NOT NULL DEFAULT -1,
  PRIMARY KEY (job_id, seq)
);

CREATE TABLE artifacts (
  job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  name text NOT NULL,
  bytes bytea NOT NULL,
  PRIMARY KEY (job_id, name)
);
)sql"},
    // API keys (issue 9): only the SHA-256 of a key is stored; a job's owner
    // is its key's name. Idempotency-Key rows make a retried POST /run return
    // the job the first one created, across restarts.
    {2, R"sql(
CREATE TABLE api_keys (
  name text PRIMARY KEY,
  key_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE TABLE idempotency_keys (
  owner text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (owner, key)
);
CREATE INDEX jobs_owner_idx ON jobs (owner, created_at DESC);
)sql"},
    // A restart reads the unfinished jobs in pages, oldest first (issue 13):
    // each page is one range scan of this index, however many jobs are left.
    {3, R"sql(
CREATE INDEX jobs_unfinished_idx ON jobs (created_at, id) WHERE status IN ('queued', 'running');
)sql"},
  };
  return list;
}

} // namespace

int latest_schema_version() {
  return all_migrations().back().version;
}

caf::expected<int> current_schema_version(connection& conn) {
  auto res = conn.exec("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!res)
    return res.error();
  return static_cast<int>(res->get_int(0, 0));
}

caf::error migrate(connection& conn) {
  auto log = get_logger("persistence");
  auto rollback = [&](caf::error err) {
    conn.exec_script("ROLLBACK");
    return err;
  };
  if (auto err = conn.exec_script("BEGIN"))
    return err;
  if (auto res = conn.exec("SELECT pg_advisory_xact_lock($1::bigint)", {text(lock_key)}); !res)
    return rollback(res.error());
  if (auto err = conn.exec_script("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                  " version integer PRIMARY KEY,"
                                  " applied_at timestamptz NOT NULL DEFAULT now())"))
    return rollback(err);
  auto current = current_schema_version(conn);
  if (!current)
    return rollback(current.error());
  for (auto& m : all_migrations()) {
    if (m.version <= *current)
      continue;
    if (auto err = conn.exec_script(m.sql))
      return rollback(err);
    if (auto res = conn.exec("INSERT INTO schema_migrations (version) VALUES ($1)",
                             {integer(m.version)});
        !res)
      return rollback(res.error());
    log->info("schema migrated version={}", m.version);
  }
  if (auto err = conn.exec_script("COMMIT"))
    return rollback(err);
  return caf::none;
}

} // namespace kagent::pg
