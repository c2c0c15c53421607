#define CAF_SUITE persistence.embedded_postgres
#include "caf/test/dsl.hpp"

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "persistence/job_repository.hpp"
#include "pg_fixture.hpp"

using namespace kagent;
using namespace kagent::test;

namespace fs = std::filesystem;

namespace {

std::string ping_text(const pg::embedded_postgres& pg) {
  auto conn = pg::connection::open(pg.conninfo());
  if (!conn)
    return text_of(conn.error());
  return text_of(pg::ping(*conn));
}

void write_pid_file(const std::string& cluster, long pid) {
  std::ofstream out{cluster + "/postmaster.pid"};
  out << pid << "\n" << cluster << "\n1700000000\n5432\n/tmp\n\n  5432001   0\nready   \n";
}

long dead_pid() {
  auto pid = fork();
  if (pid == 0)
    _exit(0);
  waitpid(pid, nullptr, 0);
  return pid;
}

} // namespace

CAF_TEST(the shared cluster listens on a socket under its data dir and logs there) {
  auto& cluster = shared_cluster::get();
  CAF_REQUIRE_EQUAL(cluster.error, "");
  auto& pg = *cluster.pg;
  CAF_CHECK_EQUAL(pg.cluster_dir(), fs::canonical(cluster.dir.path).string() + "/data/pg");
  CAF_CHECK_EQUAL(pg.socket_dir(), pg.cluster_dir() + "/sock");
  CAF_CHECK(fs::exists(pg.cluster_dir() + "/log/postgres.log"));
  CAF_CHECK(pg.pid() > 0);
  CAF_CHECK_EQUAL(ping_text(pg), "");
  struct stat st {};
  CAF_REQUIRE_EQUAL(stat(pg.cluster_dir().c_str(), &st), 0);
  if (geteuid() == 0)
    CAF_CHECK(st.st_uid != 0);  // postgres refuses root; the cluster is not root's
}

CAF_TEST(stale postmaster pid files and orphaned servers do not stop a start) {
  temp_dir dir;
  // A long path also moves the socket to a short directory in /tmp.
  auto data = dir.path + "/" + std::string(80, 'd');
  pg::embedded_options opts{data};
  opts.stop_timeout_s = 10;
  auto first = pg::embedded_postgres::start(opts);
  CAF_REQUIRE_EQUAL(first ? std::string{} : text_of(first.error()), "");
  auto cluster = first->cluster_dir();
  auto socket = first->socket_dir();
  CAF_CHECK_EQUAL(socket.rfind("/tmp/kagent-pg-", 0), 0u);
  first->stop();
  // The pid of a process that is gone.
  write_pid_file(cluster, dead_pid());
  {
    auto pg = pg::embedded_postgres::start(opts);
    CAF_REQUIRE_EQUAL(pg ? std::string{} : text_of(pg.error()), "");
    CAF_CHECK_EQUAL(ping_text(*pg), "");
  }
  // The pid of a live process that is not postgres (this test).
  write_pid_file(cluster, getpid());
  auto orphan = pg::embedded_postgres::start(opts);
  CAF_REQUIRE_EQUAL(orphan ? std::string{} : text_of(orphan.error()), "");
  // A server still running on the cluster, nobody holding its handle.
  auto* leaked = new pg::embedded_postgres(std::move(*orphan));
  auto orphan_pid = leaked->pid();
  auto next = pg::embedded_postgres::start(opts);
  CAF_REQUIRE_EQUAL(next ? std::string{} : text_of(next.error()), "");
  CAF_CHECK_NOT_EQUAL(next->pid(), orphan_pid);
  int status = 0;
  CAF_CHECK_EQUAL(waitpid(orphan_pid, &status, WNOHANG), orphan_pid);  // it had exited
  CAF_CHECK_EQUAL(ping_text(*next), "");
  next->stop();
  std::error_code ec;
  fs::remove_all(socket, ec);
  // `leaked` is not deleted: its pid is reaped and may be reused.
}

CAF_TEST(a data dir the postgres user cannot reach moves the cluster to var lib kagent) {
  temp_dir dir{0700};
  auto pg = pg::embedded_postgres::start({dir.path + "/data"});
  CAF_REQUIRE_EQUAL(pg ? std::string{} : text_of(pg.error()), "");
  if (geteuid() == 0)
    CAF_CHECK_EQUAL(pg->cluster_dir().rfind("/var/lib/kagent/pg-", 0), 0u);
  else
    CAF_CHECK_EQUAL(pg->cluster_dir(), fs::canonical(dir.path).string() + "/data/pg");
  CAF_CHECK_EQUAL(ping_text(*pg), "");
  auto cluster = pg->cluster_dir();
  pg->stop();
  if (geteuid() == 0) {
    std::error_code ec;
    fs::remove_all(cluster, ec);
  }
}
