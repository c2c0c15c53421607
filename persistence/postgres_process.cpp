#include "persistence/postgres_process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "core/error.hpp"
#include "core/log.hpp"
#include "sandbox/spawn.hpp"
#include "sandbox/unique_fd.hpp"

namespace fs = std::filesystem;

namespace kagent::pg {

namespace {

// Programs get a minimal environment: secrets (Kaggle, LLM keys) stay with us.
sandbox::spawn_spec spec_for(const run_user& user, const std::vector<std::string>& argv) {
  sandbox::spawn_spec spec;
  spec.argv = argv;
  spec.env = {"PATH=/usr/bin:/bin", "LC_ALL=C", "LANG=C"};
  spec.user = {user.switch_user, user.uid, user.gid, user.name};
  spec.parent_death_signal = SIGTERM;
  return spec;
}

std::string read_link(const std::string& path) {
  std::error_code ec;
  auto target = fs::read_symlink(path, ec);
  return ec ? std::string{} : target.string();
}

std::string read_small(const std::string& path) {
  std::ifstream in{path};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Gone = no such process, or a zombie waiting for its parent.
bool process_gone(pid_t pid) {
  if (kill(pid, 0) != 0 && errno == ESRCH)
    return true;
  auto stat = read_small("/proc/" + std::to_string(pid) + "/stat");
  auto close_paren = stat.rfind(')');
  return close_paren != std::string::npos && close_paren + 2 < stat.size()
         && stat[close_paren + 2] == 'Z';
}

bool wait_gone(pid_t pid, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!process_gone(pid)) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

} // namespace

caf::expected<run_user> cluster_user() {
  run_user user;
  user.uid = geteuid();
  user.gid = getegid();
  if (user.uid != 0) {
    auto pw = getpwuid(user.uid);
    user.name = pw ? pw->pw_name : std::to_string(user.uid);
    return user;
  }
  auto pw = getpwnam("postgres");
  if (!pw)
    return make_error(errc::internal, "running as root needs a 'postgres' system user"
                                      " to run the embedded PostgreSQL");
  user.switch_user = true;
  user.uid = pw->pw_uid;
  user.gid = pw->pw_gid;
  user.name = pw->pw_name;
  return user;
}

bool can_traverse(const run_user& user, const std::string& path) {
  std::string ignored;
  return sandbox::run_to_end(spec_for(user, {"/usr/bin/test", "-x", path}), ignored) == 0;
}

int run_to_end(const run_user& user, const std::vector<std::string>& argv,
               std::string& output) {
  return sandbox::run_to_end(spec_for(user, argv), output);
}

caf::expected<pid_t> spawn_server(const run_user& user, const std::vector<std::string>& argv,
                                  const std::string& log_path) {
  sandbox::unique_fd log{
    open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600)};
  if (!log)
    return make_error(errc::internal, "cannot open " + log_path + ": " + strerror(errno));
  if (user.switch_user && fchown(log.get(), user.uid, user.gid) != 0)
    return make_error(errc::internal, "cannot hand " + log_path + " to " + user.name);
  auto spec = spec_for(user, argv);
  spec.stdout_fd = spec.stderr_fd = log.get();
  // Ctrl-C on kagentd's terminal must not reach postgres directly.
  spec.group = sandbox::grouping::new_session;
  auto pid = sandbox::spawn(spec);
  if (!pid)
    return make_error(errc::internal, "cannot start " + argv.front() + ": " + pid.error());
  return *pid;
}

bool wait_child(pid_t pid, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int status = 0;
    auto r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD))
      return true;
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

caf::error clear_stale_pid(const std::string& cluster_dir, int timeout_ms) {
  auto log = get_logger("persistence");
  auto pid_file = cluster_dir + "/postmaster.pid";
  std::ifstream in{pid_file};
  if (!in)
    return caf::none;
  long pid = 0;
  in >> pid;
  in.close();
  auto proc = "/proc/" + std::to_string(pid);
  std::error_code ec;
  auto cluster = fs::weakly_canonical(cluster_dir, ec).string();
  bool ours = pid > 0 && !process_gone(static_cast<pid_t>(pid))
              && read_link(proc + "/cwd") == cluster
              && read_small(proc + "/comm").rfind("postgres", 0) == 0;
  if (ours) {
    // Another live kagentd (same program, alive, not us) still owns it.
    auto stat = read_small(proc + "/stat");
    auto close_paren = stat.rfind(')');
    long ppid = close_paren == std::string::npos ? 0
                                                 : std::atol(stat.c_str() + close_paren + 4);
    auto parent_exe = read_link("/proc/" + std::to_string(ppid) + "/exe");
    if (ppid > 1 && ppid != getpid() && !parent_exe.empty()
        && parent_exe == read_link("/proc/self/exe"))
      return make_error(errc::conflict, "the database cluster " + cluster_dir
                                          + " is in use by another kagentd (pid "
                                          + std::to_string(ppid) + ")");
  }
  if (!ours) {
    log->warn("removing stale postmaster.pid cluster={} pid={}", cluster_dir, pid);
    if (unlink(pid_file.c_str()) != 0 && errno != ENOENT)
      return make_error(errc::internal, "cannot remove stale " + pid_file + ": "
                                          + strerror(errno));
    return caf::none;
  }
  // An orphan from a previous kagentd (e.g. after kill -9): fast shutdown.
  log->warn("stopping orphaned postgres cluster={} pid={}", cluster_dir, pid);
  kill(static_cast<pid_t>(pid), SIGINT);
  if (!wait_gone(static_cast<pid_t>(pid), timeout_ms)) {
    log->warn("orphaned postgres ignores SIGINT; killing pid={}", pid);
    kill(static_cast<pid_t>(pid), SIGKILL);
    if (!wait_gone(static_cast<pid_t>(pid), 5000))
      return make_error(errc::internal, "cannot stop the orphaned postgres pid "
                                          + std::to_string(pid));
  }
  unlink(pid_file.c_str());  // gone already after a clean shutdown
  return caf::none;
}

caf::error chown_tree(const std::string& path, uid_t uid, gid_t gid) {
  std::error_code ec;
  if (lchown(path.c_str(), uid, gid) != 0)
    return make_error(errc::internal, "cannot chown " + path + ": " + strerror(errno));
  for (auto it = fs::recursive_directory_iterator(path, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (lchown(it->path().c_str(), uid, gid) != 0)
      return make_error(errc::internal,
                        "cannot chown " + it->path().string() + ": " + strerror(errno));
  if (ec)
    return make_error(errc::internal, "cannot list " + path + ": " + ec.message());
  return caf::none;
}

std::string tail_of(const std::string& text, size_t max_lines) {
  size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n')
    --pos;
  for (size_t lines = 0; pos > 0; --pos)
    if (text[pos - 1] == '\n' && ++lines == max_lines)
      break;
  return text.substr(pos);
}

std::string tail_of_file(const std::string& path, size_t max_lines) {
  return tail_of(read_small(path), max_lines);
}

} // namespace kagent::pg
