#define CAF_SUITE persistence.embedded_postgres
#include "caf/test/dsl.hpp"

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "persistence/job_repository.hpp"
#include "persistence/path_access.hpp"
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

/// True when uid `uid` can search `path` (checked in a child that becomes it).
bool searchable_by(uid_t uid, const std::string& path) {
  auto pid = fork();
  if (pid == 0) {
    if (setgid(uid) != 0 || setuid(uid) != 0)
      _exit(2);
    _exit(access(path.c_str(), X_OK) == 0 ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
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

CAF_TEST(a data dir the postgres user cannot reach still holds the cluster) {
  temp_dir dir{0700};  // as mktemp -d makes it
  auto data = dir.path + "/data";
  auto pg = pg::embedded_postgres::start({data});
  CAF_REQUIRE_EQUAL(pg ? std::string{} : text_of(pg.error()), "");
  CAF_CHECK_EQUAL(pg->cluster_dir(), fs::canonical(dir.path).string() + "/data/pg");
  CAF_CHECK_EQUAL(ping_text(*pg), "");
  pg->stop();
  // Only the cluster user was let through: the mode's other bits are as they were.
  struct stat st {};
  CAF_REQUIRE_EQUAL(stat(dir.path.c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 07, 0u);
  if (geteuid() == 0)
    CAF_CHECK(!searchable_by(65534, dir.path));  // nobody
}

CAF_TEST(pg dir puts the cluster exactly there) {
  temp_dir dir;
  auto where = dir.path + "/elsewhere/cluster";
  auto pg = pg::embedded_postgres::start({dir.path + "/data", where});
  CAF_REQUIRE_EQUAL(pg ? std::string{} : text_of(pg.error()), "");
  CAF_CHECK_EQUAL(pg->cluster_dir(), fs::canonical(dir.path).string() + "/elsewhere/cluster");
  CAF_CHECK(fs::exists(where + "/PG_VERSION"));
  CAF_CHECK(!fs::exists(dir.path + "/data/pg"));
  pg->stop();
}

CAF_TEST(an acl grant adds search for one user and keeps the rest) {
  auto acl = pg::with_user_search(pg::acl_from_mode(0750), 101);
  // owner rwx, user 101 --x, group r-x, mask r-x (the union), other ---
  std::vector<std::pair<int, int>> tag_perm;
  for (auto& e : acl)
    tag_perm.emplace_back(e.tag, e.perm);
  std::vector<std::pair<int, int>> want{{0x01, 7}, {0x02, 1}, {0x04, 5}, {0x10, 5}, {0x20, 0}};
  CAF_CHECK_EQUAL(tag_perm, want);
  CAF_CHECK_EQUAL(acl[1].id, 101u);
  auto round = pg::decode_acl(pg::encode_acl(acl));
  CAF_REQUIRE_EQUAL(round.size(), acl.size());
  CAF_CHECK_EQUAL(round[1].id, 101u);
  // Granting twice changes nothing; an existing narrow mask is widened by x only.
  CAF_CHECK_EQUAL(pg::with_user_search(acl, 101).size(), acl.size());
  auto narrow = pg::with_user_search(pg::acl_from_mode(0700), 101);
  CAF_CHECK_EQUAL(narrow[3].tag, 0x10);
  CAF_CHECK_EQUAL(narrow[3].perm, 1);
}
