#include "sandbox/spawn.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/unique_fd.hpp"

namespace kagent::sandbox {

namespace {

/// The step that failed in the child, sent over the report pipe.
enum step : int32_t {
  s_parent, s_cgroup, s_staging, s_chdir, s_rlimit, s_identity, s_seccomp, s_exec
};

struct exec_failure {
  int32_t step;
  int32_t err;
};

const char* step_name(int32_t s) {
  static const char* names[] = {"parent gone", "join cgroup", "stage mounts", "chdir",
                                "setrlimit",   "change user", "seccomp",      "exec"};
  return s >= 0 && s <= s_exec ? names[s] : "?";
}

std::string resolve(const std::string& exe, const std::vector<std::string>& env) {
  if (exe.find('/') != std::string::npos)
    return exe;
  std::string path = "/usr/bin:/bin";
  for (auto& kv : env)
    if (kv.compare(0, 5, "PATH=") == 0)
      path = kv.substr(5);
  size_t pos = 0;
  while (pos <= path.size()) {
    auto end = path.find(':', pos);
    auto dir = path.substr(pos, end == std::string::npos ? end : end - pos);
    auto candidate = (dir.empty() ? "." : dir) + "/" + exe;
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    if (end == std::string::npos)
      break;
    pos = end + 1;
  }
  return exe;
}

std::vector<char*> c_strings(const std::vector<std::string>& xs) {
  std::vector<char*> out;
  for (auto& x : xs)
    out.push_back(const_cast<char*>(x.c_str()));
  out.push_back(nullptr);
  return out;
}

/// Everything the child needs, computed before fork (no allocation after).
struct prepared {
  std::string path;
  std::vector<char*> argv, envp;
  std::vector<sock_filter> filter;
};

void write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    auto w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return;
    data += w;
    n -= static_cast<size_t>(w);
  }
}

/// The private mount namespace of spawn_spec::staging; async-signal-safe.
bool make_staging(const spawn_spec& spec) {
  if (::unshare(CLONE_NEWNS) != 0
      || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0
      || ::mount("kagent-stage", spec.staging_root.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                 "mode=0755,size=64k") != 0)
    return false;
  for (auto& b : spec.staging) {
    // Parents first: targets come in order, a directory before what is in it.
    if (b.directory) {
      if (::mkdir(b.target.c_str(), 0755) != 0)
        return false;
    } else {
      int fd = ::open(b.target.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0)
        return false;
      ::close(fd);
    }
    if (b.source.empty())
      continue; // a plain directory to hold others
    if (::mount(b.source.c_str(), b.target.c_str(), nullptr, MS_BIND, nullptr) != 0)
      return false;
    if (b.read_only && ::mount(nullptr, b.target.c_str(), nullptr,
                               MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr)
                         != 0)
      return false;
  }
  return true;
}

/// Writes our pid to `file`; async-signal-safe. Returns false on failure.
bool join_cgroup(const char* file) {
  char buf[24];
  int n = 0;
  char rev[24];
  for (auto pid = ::getpid(); pid > 0; pid /= 10)
    rev[n++] = static_cast<char>('0' + pid % 10);
  for (int i = 0; i < n; ++i)
    buf[i] = rev[n - 1 - i];
  buf[n++] = '\n';
  int fd = ::open(file, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool ok = ::write(fd, buf, static_cast<size_t>(n)) == n;
  ::close(fd);
  return ok;
}

// Between fork and exec only async-signal-safe calls: the parent has threads.
[[noreturn]] void exec_child(const spawn_spec& spec, const prepared& p, int devnull, int report,
                             pid_t parent) {
  auto fail = [report](int32_t s) {
    exec_failure f{s, errno};
    write_all(report, reinterpret_cast<const char*>(&f), sizeof(f));
    ::_exit(127);
  };
  if (spec.group == grouping::new_session)
    ::setsid();
  else
    ::setpgid(0, 0);
  if (spec.parent_death_signal != 0) {
    ::prctl(PR_SET_PDEATHSIG, spec.parent_death_signal);
    if (::getppid() != parent)
      fail(s_parent); // the parent died before prctl took effect
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP)
      ::signal(sig, SIG_DFL);
  // Joined as root, before the identity change: cgroup files are root's.
  for (auto& file : spec.cgroup_procs)
    if (!join_cgroup(file.c_str()))
      fail(s_cgroup);
  ::dup2(devnull, 0);
  ::dup2(spec.stdout_fd >= 0 ? spec.stdout_fd : devnull, 1);
  ::dup2(spec.stderr_fd >= 0 ? spec.stderr_fd : devnull, 2);
  // Whatever the rest of the process opened without O_CLOEXEC (sockets, libpq).
  if (::syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */) != 0)
    for (int fd = 3; fd < 65536; ++fd)
      if (fd != report)
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  for (int fd : spec.keep_fds)
    ::fcntl(fd, F_SETFD, 0);
  if (!spec.staging_root.empty() && !make_staging(spec))
    fail(s_staging);
  if (!spec.cwd.empty() && ::chdir(spec.cwd.c_str()) != 0)
    fail(s_chdir);
  auto limit = [&](int res, int64_t v, int64_t slack) {
    if (v <= 0)
      return;
    rlimit rl{static_cast<rlim_t>(v), static_cast<rlim_t>(v + slack)};
    if (::setrlimit(res, &rl) != 0)
      fail(s_rlimit);
  };
  limit(RLIMIT_AS, spec.limits.address_space, 0);
  limit(RLIMIT_CPU, spec.limits.cpu_seconds, 5);
  limit(RLIMIT_FSIZE, spec.limits.file_bytes, 0);
  if (spec.user.change) {
    // Real, effective and saved ids all change: nothing can switch back.
    if (::setgroups(0, nullptr) != 0 || ::setresgid(spec.user.gid, spec.user.gid, spec.user.gid) != 0
        || ::setresuid(spec.user.uid, spec.user.uid, spec.user.uid) != 0
        || ::getuid() != spec.user.uid)
      fail(s_identity);
  }
  if (spec.confine && install_seccomp(p.filter) != 0)
    fail(s_seccomp);
  ::execve(p.path.c_str(), p.argv.data(), p.envp.data());
  fail(s_exec);
  ::_exit(127); // not reached: fail() exits
}

} // namespace

result<pid_t> spawn(const spawn_spec& spec) {
  if (spec.argv.empty())
    return fail("empty argv");
  prepared p;
  p.path = resolve(spec.argv[0], spec.env);
  p.argv = c_strings(spec.argv);
  p.envp = c_strings(spec.env);
  if (spec.confine) {
    p.filter = seccomp_program(spec.seccomp);
    if (p.filter.empty())
      return fail("no seccomp filter for this architecture");
  }
  unique_fd devnull{::open("/dev/null", O_RDWR | O_CLOEXEC)};
  int rep[2] = {-1, -1};
  if (!devnull || ::pipe2(rep, O_CLOEXEC) != 0)
    return fail(std::string{"pipe: "} + std::strerror(errno));
  unique_fd rep_r{rep[0]}, rep_w{rep[1]};
  auto parent = ::getpid();
  auto pid = ::fork();
  if (pid == 0)
    exec_child(spec, p, devnull.get(), rep_w.get(), parent);
  auto fork_errno = errno;
  rep_w.reset();
  if (pid < 0)
    return fail(std::string{"fork: "} + std::strerror(fork_errno));
  if (spec.group == grouping::own_group)
    ::setpgid(pid, pid); // also in the child: whoever runs first wins the race
  exec_failure f{0, 0};
  ssize_t n;
  while ((n = ::read(rep_r.get(), &f, sizeof(f))) < 0 && errno == EINTR) {
  }
  if (n != static_cast<ssize_t>(sizeof(f)))
    return pid; // the pipe closed on exec
  int status;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string target = f.step == s_chdir      ? " " + spec.cwd
                       : f.step == s_exec     ? " " + p.path
                       : f.step == s_identity ? " to " + spec.user.name
                                              : "";
  return fail(std::string{step_name(f.step)} + target + ": " + std::strerror(f.err));
}

int run_to_end(spawn_spec spec, std::string& output) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return -1;
  unique_fd r{fds[0]}, w{fds[1]};
  spec.stdout_fd = spec.stderr_fd = w.get();
  auto pid = spawn(spec);
  w.reset();
  if (!pid) {
    output += pid.error();
    return -1;
  }
  char buf[4096];
  ssize_t n;
  while ((n = ::read(r.get(), buf, sizeof(buf))) != 0) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    output.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace kagent::sandbox
