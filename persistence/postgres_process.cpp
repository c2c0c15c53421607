#include "persistence/postgres_process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <grp.h>
#include <pwd.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "core/error.hpp"
#include "core/log.hpp"

namespace fs = std::filesystem;

namespace kagent::pg {

namespace {

// Programs get a minimal environment: secrets (Kaggle, LLM keys) stay with us.
const char* const child_env[] = {"PATH=/usr/bin:/bin", "LC_ALL=C", "LANG=C", nullptr};

struct argv_holder {
  std::vector<std::string> strings;
  std::vector<char*> ptrs;
  explicit argv_holder(const std::vector<std::string>& args) : strings(args) {
    for (auto& s : strings)
      ptrs.push_back(s.data());
    ptrs.push_back(nullptr);
  }
};

// In the child after fork: only async-signal-safe calls until exec.
void become(const run_user& user, pid_t parent) {
  if (user.switch_user) {
    if (setgroups(0, nullptr) != 0 || setgid(user.gid) != 0 || setuid(user.uid) != 0)
      _exit(126);
  }
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent)
    _exit(125);  // the parent died before the prctl
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);  // kagentd blocks SIGINT/SIGTERM
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGPIPE, &dfl, nullptr);
}

void close_inherited_fds() {
  if (syscall(SYS_close_range, 3u, ~0u, 0u) != 0)
    for (int fd = 3; fd < 4096; ++fd)
      close(fd);
}

void redirect_output(int fd) {
  int in = open("/dev/null", O_RDONLY);
  dup2(in, 0);
  dup2(fd, 1);
  dup2(fd, 2);
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
  auto parent = getpid();
  auto pid = fork();
  if (pid < 0)
    return false;
  if (pid == 0) {
    become(user, parent);
    _exit(access(path.c_str(), X_OK) == 0 ? 0 : 1);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int run_to_end(const run_user& user, const std::vector<std::string>& argv,
               std::string& output) {
  argv_holder args{argv};
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return -1;
  auto parent = getpid();
  auto pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    become(user, parent);
    redirect_output(fds[1]);
    close_inherited_fds();
    execve(args.ptrs[0], args.ptrs.data(), const_cast<char* const*>(child_env));
    _exit(127);
  }
  close(fds[1]);
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    output.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

caf::expected<pid_t> spawn_server(const run_user& user, const std::vector<std::string>& argv,
                                  const std::string& log_path) {
  argv_holder args{argv};
  auto parent = getpid();
  auto pid = fork();
  if (pid < 0)
    return make_error(errc::internal, std::string{"fork failed: "} + strerror(errno));
  if (pid == 0) {
    setsid();  // Ctrl-C on kagentd's terminal must not reach postgres directly
    become(user, parent);
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (log < 0)
      _exit(124);
    redirect_output(log);
    close_inherited_fds();
    execve(args.ptrs[0], args.ptrs.data(), const_cast<char* const*>(child_env));
    _exit(127);
  }
  return pid;
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
