#include "persistence/embedded_postgres.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/error.hpp"
#include "core/log.hpp"
#include "persistence/path_access.hpp"
#include "persistence/pg_connection.hpp"
#include "persistence/postgres_process.hpp"

namespace fs = std::filesystem;

namespace kagent::pg {

namespace {

constexpr size_t max_socket_path = 107;  // sizeof(sun_path) - 1
constexpr const char* socket_name = "/.s.PGSQL.5432";

// Stable across builds and runs (std::hash is not).
std::string fnv_hex(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s)
    h = (h ^ c) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

caf::error fail(const std::string& what) {
  return make_error(errc::db_unavailable, "embedded PostgreSQL: " + what);
}

// A private directory owned by the cluster user; refuses symlinks and
// directories owned by someone else (matters for the socket dir in /tmp).
caf::error prepare_dir(const std::string& path, const run_user& user) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (mkdir(path.c_str(), 0700) != 0)
      return fail("cannot create " + path + ": " + strerror(errno));
    if (lchown(path.c_str(), user.uid, user.gid) != 0)
      return fail("cannot chown " + path + ": " + strerror(errno));
    return caf::none;
  }
  if (!S_ISDIR(st.st_mode))
    return fail(path + " exists and is not a directory");
  if (st.st_uid != user.uid && !user.switch_user)
    return fail(path + " is owned by another user");
  if (st.st_uid != user.uid)
    if (auto err = chown_tree(path, user.uid, user.gid))
      return err;
  chmod(path.c_str(), 0700);
  return caf::none;
}

struct layout {
  std::string cluster;
  std::string socket;
};

layout plan_layout(const std::string& cluster) {
  layout l{cluster, cluster + "/sock"};
  // A Unix socket path is short: a deep cluster gets its socket in /tmp (a
  // socket directory holds no state).
  if (l.socket.size() + std::strlen(socket_name) > max_socket_path)
    l.socket = "/tmp/kagent-pg-" + fnv_hex(cluster).substr(0, 12);
  return l;
}

caf::error init_cluster(const embedded_options& opts, const run_user& user,
                        const std::string& cluster) {
  std::error_code ec;
  if (fs::exists(cluster + "/PG_VERSION", ec))
    return caf::none;
  auto log = get_logger("persistence");
  if (fs::exists(cluster, ec) && !fs::is_empty(cluster, ec)) {
    // No PG_VERSION: an initdb that was interrupted; nothing usable inside.
    log->warn("removing incomplete cluster cluster={}", cluster);
    for (auto& entry : fs::directory_iterator(cluster, ec))
      fs::remove_all(entry.path(), ec);
  }
  if (auto err = prepare_dir(cluster, user))
    return err;
  std::string output;
  auto rc = run_to_end(user,
                       {opts.pg_bin + "/initdb", "-D", cluster, "-A", "trust", "-U", "kagent",
                        "-E", "UTF8", "--locale=C", "--no-sync"},
                       output);
  if (rc != 0)
    return fail("initdb failed (exit " + std::to_string(rc) + "): " + tail_of(output, 8));
  // --no-sync keeps initdb fast; one syncfs makes the fresh cluster durable.
  int fd = open(cluster.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    syncfs(fd);
    close(fd);
  }
  log->info("embedded cluster initialized cluster={}", cluster);
  return caf::none;
}

caf::error wait_ready(pid_t pid, const std::string& conninfo, int timeout_s,
                      const std::string& log_path) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  for (;;) {
    if (PQping(conninfo.c_str()) == PQPING_OK)
      return caf::none;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid)
      return fail("postgres exited during start-up; server log: " + tail_of_file(log_path));
    if (std::chrono::steady_clock::now() > deadline)
      return fail("not ready after " + std::to_string(timeout_s)
                  + " s; server log: " + tail_of_file(log_path));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

caf::error ensure_database(const std::string& conninfo) {
  auto conn = connection::open(conninfo);
  if (!conn)
    return conn.error();
  auto res = conn->exec("SELECT 1 FROM pg_database WHERE datname = 'kagent'");
  if (!res)
    return res.error();
  if (res->rows() == 0)
    return conn->exec_script("CREATE DATABASE kagent");
  return caf::none;
}

std::string conninfo_for(const std::string& socket_dir, const std::string& db) {
  return "host=" + socket_dir + " port=5432 user=kagent dbname=" + db;
}

} // namespace

caf::expected<embedded_postgres> embedded_postgres::start(const options& opts) {
  auto log = get_logger("persistence");
  if (opts.data_dir.empty())
    return make_error(errc::invalid_input, "embedded PostgreSQL needs a data dir");
  std::error_code ec;
  fs::create_directories(opts.data_dir, ec);
  auto data_dir = fs::canonical(opts.data_dir, ec).string();
  if (ec)
    return fail("cannot use data dir " + opts.data_dir + ": " + ec.message());
  auto user = cluster_user();
  if (!user)
    return user.error();
  auto cluster = data_dir + "/pg";
  if (!opts.pg_dir.empty()) {
    fs::create_directories(opts.pg_dir, ec);
    cluster = fs::weakly_canonical(opts.pg_dir, ec).string();
  }
  if (auto err = grant_traverse(*user, fs::path{cluster}.parent_path().string()))
    return err;
  auto where = plan_layout(cluster);
  if (fs::exists(where.cluster + "/PG_VERSION", ec))
    if (auto err = clear_stale_pid(where.cluster, opts.stop_timeout_s * 1000))
      return err;
  if (auto err = init_cluster(opts, *user, where.cluster))
    return err;
  if (auto err = prepare_dir(where.cluster, *user))
    return err;
  if (auto err = prepare_dir(where.cluster + "/log", *user))
    return err;
  if (auto err = prepare_dir(where.socket, *user))
    return err;
  auto log_path = where.cluster + "/log/postgres.log";
  // Settings on the command line win over postgresql.conf on every start.
  std::vector<std::string> argv{opts.pg_bin + "/postgres", "-D", where.cluster,
                                "-c", "listen_addresses=",
                                "-c", "unix_socket_directories=" + where.socket,
                                "-c", "unix_socket_permissions=0700",
                                "-c", "shared_buffers=128MB",
                                "-c", "max_connections=50",
                                "-c", "fsync=on",
                                "-c", "logging_collector=off"};
  auto pid = spawn_server(*user, argv, log_path);
  if (!pid)
    return pid.error();
  embedded_postgres pg;
  pg.cluster_dir_ = where.cluster;
  pg.socket_dir_ = where.socket;
  pg.pid_ = *pid;
  pg.stop_timeout_s_ = opts.stop_timeout_s;
  if (auto err = wait_ready(*pid, conninfo_for(where.socket, "postgres"),
                            opts.start_timeout_s, log_path))
    return err;  // pg's destructor stops what is left
  if (auto err = ensure_database(conninfo_for(where.socket, "postgres")))
    return err;
  log->info("embedded postgres started cluster={} socket_dir={} pid={} user={}",
            where.cluster, where.socket, *pid, user->name);
  return pg;
}

embedded_postgres::embedded_postgres(embedded_postgres&& other) noexcept
  : cluster_dir_(std::move(other.cluster_dir_)),
    socket_dir_(std::move(other.socket_dir_)),
    pid_(other.pid_),
    stop_timeout_s_(other.stop_timeout_s_) {
  other.pid_ = 0;
}

embedded_postgres& embedded_postgres::operator=(embedded_postgres&& other) noexcept {
  if (this != &other) {
    stop();
    cluster_dir_ = std::move(other.cluster_dir_);
    socket_dir_ = std::move(other.socket_dir_);
    pid_ = other.pid_;
    stop_timeout_s_ = other.stop_timeout_s_;
    other.pid_ = 0;
  }
  return *this;
}

embedded_postgres::~embedded_postgres() {
  stop();
}

std::string embedded_postgres::conninfo() const {
  return conninfo_for(socket_dir_, "kagent");
}

void embedded_postgres::stop() {
  if (pid_ <= 0)
    return;
  auto log = get_logger("persistence");
  kill(pid_, SIGINT);  // fast shutdown: roll back open transactions, checkpoint
  if (!wait_child(pid_, stop_timeout_s_ * 1000)) {
    log->warn("postgres did not stop in time; killing pid={}", pid_);
    kill(pid_, SIGKILL);
    wait_child(pid_, 5000);
  }
  log->info("embedded postgres stopped cluster={} pid={}", cluster_dir_, pid_);
  pid_ = 0;
}

} // namespace kagent::pg
