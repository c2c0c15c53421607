// Shared set-up of the persistence tests: one real embedded cluster for the
// whole binary (in a mkdtemp dir under /tmp), migrated, emptied per test.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <sys/stat.h>

#include <caf/all.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/job.hpp"
#include "core/uuid.hpp"
#include "persistence/embedded_postgres.hpp"
#include "persistence/migrations.hpp"
#include "persistence/pg_connection.hpp"

namespace kagent::test {

/// "" for no error, else its detail: readable in a failed check.
inline std::string text_of(const caf::error& e) {
  return e ? std::string{to_string(code_of(e))} + ": " + detail_of(e) : std::string{};
}

/// A temp dir under /tmp that the postgres user can traverse; removed at the end.
struct temp_dir {
  std::string path;
  explicit temp_dir(mode_t mode = 0755) {
    char tmpl[] = "/tmp/kagent-persist-XXXXXX";
    path = mkdtemp(tmpl);
    chmod(path.c_str(), mode);
  }
  ~temp_dir() {
    std::string cmd = "rm -rf '" + path + "'";
    if (std::system(cmd.c_str()) != 0)
      std::abort();
  }
};

/// The cluster shared by every test; started on first use, stopped at exit.
struct shared_cluster {
  temp_dir dir;
  std::optional<pg::embedded_postgres> pg;
  std::string error;

  shared_cluster() {
    auto started = pg::embedded_postgres::start({dir.path + "/data"});
    if (started)
      pg.emplace(std::move(*started));
    else
      error = detail_of(started.error());
  }

  static shared_cluster& get() {
    static shared_cluster instance;
    return instance;
  }
};

/// A migrated, empty database and a connection to it.
struct db_fixture {
  std::string conninfo;
  std::optional<pg::connection> conn;

  db_fixture() {
    auto& cluster = shared_cluster::get();
    CAF_REQUIRE_EQUAL(cluster.error, "");
    conninfo = cluster.pg->conninfo();
    auto c = pg::connection::open(conninfo);
    CAF_REQUIRE(c);
    conn.emplace(std::move(*c));
    CAF_REQUIRE_EQUAL(text_of(pg::migrate(*conn)), "");
    CAF_REQUIRE_EQUAL(text_of(conn->exec_script("TRUNCATE jobs CASCADE")), "");
  }

  /// A queued job created `age_ms` ago.
  static job_record make_job(int64_t age_ms = 0, std::string status = status::queued) {
    job_record j;
    j.id = new_uuid();
    j.owner = "alice";
    j.url = "https://www.kaggle.com/competitions/titanic";
    j.competition = "titanic";
    j.status = std::move(status);
    j.created_at = now_ms() - age_ms;
    j.metadata = R"({"progress": "Queued"})";
    return j;
  }

  /// Number of rows of a query like "SELECT count(*) FROM ...".
  int64_t count(const std::string& sql) {
    auto res = conn->exec(sql);
    CAF_REQUIRE(res);
    return res->get_int(0, 0);
  }
};

} // namespace kagent::test
