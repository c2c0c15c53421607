#include "actors/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>

#include "core/error.hpp"

namespace kagent {

struct child_process::shared {
  std::mutex mtx;
  pid_t pid = -1;
  bool reaped = false; // guarded by mtx: after reaping, the pgid may be reused
};

namespace {

/// Why the child could not exec, sent over the close-on-exec pipe.
struct exec_failure {
  int32_t step; // 1 chdir, 2 setrlimit, 3 execve
  int32_t err;
};

void close_fd(int& fd) {
  if (fd >= 0)
    ::close(fd);
  fd = -1;
}

/// Splits a byte stream into lines of at most max_child_line bytes.
struct line_splitter {
  child_stream stream;
  std::string buf;

  void feed(const char* data, size_t n, const child_line_fn& fn) {
    buf.append(data, n);
    size_t start = 0;
    for (;;) {
      auto nl = buf.find('\n', start);
      if (nl != std::string::npos && nl - start <= max_child_line) {
        fn(stream, buf.substr(start, nl - start));
        start = nl + 1;
      } else if (buf.size() - start >= max_child_line) {
        fn(stream, buf.substr(start, max_child_line));
        start += max_child_line;
      } else {
        break;
      }
    }
    buf.erase(0, start);
  }

  void finish(const child_line_fn& fn) {
    if (!buf.empty())
      fn(stream, std::move(buf));
    buf.clear();
  }
};

/// Reads whatever `fd` has; closes it (and flushes) at EOF or on error.
void read_some(int& fd, line_splitter& ls, const child_line_fn& fn) {
  char chunk[65536];
  auto n = ::read(fd, chunk, sizeof(chunk));
  if (n > 0)
    ls.feed(chunk, static_cast<size_t>(n), fn);
  else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    ls.finish(fn);
    close_fd(fd);
  }
}

/// Polls the open pipes for up to `timeout_ms`; returns false on poll failure.
bool pump(int (&fds)[2], line_splitter (&ls)[2], const child_line_fn& fn, int timeout_ms) {
  pollfd p[2];
  int idx[2];
  nfds_t k = 0;
  for (int i = 0; i < 2; ++i)
    if (fds[i] >= 0) {
      p[k] = pollfd{fds[i], POLLIN, 0};
      idx[k++] = i;
    }
  if (k == 0)
    return true;
  int n = ::poll(p, k, timeout_ms);
  if (n < 0)
    return errno == EINTR;
  for (nfds_t j = 0; j < k; ++j)
    if (p[j].revents != 0)
      read_some(fds[idx[j]], ls[idx[j]], fn);
  return true;
}

bool leader_exited(pid_t pid, bool block) {
  for (;;) {
    siginfo_t si;
    std::memset(&si, 0, sizeof(si));
    // WNOWAIT keeps the zombie, so its pid (= our pgid) cannot be reused
    // while we still signal the group.
    int flags = WEXITED | WNOWAIT | (block ? 0 : WNOHANG);
    if (::waitid(P_PID, static_cast<id_t>(pid), &si, flags) == 0)
      return si.si_pid == pid;
    if (errno != EINTR)
      return true; // not our child any more: nothing to wait for
  }
}

void watch(std::shared_ptr<child_process::shared> sh, int out_fd, int err_fd, child_line_fn on_line,
           child_exit_fn on_exit) {
  int fds[2] = {out_fd, err_fd};
  line_splitter ls[2] = {{child_stream::out, {}}, {child_stream::err, {}}};
  auto pid = sh->pid;
  // Until both pipes close or the leader exits.
  while ((fds[0] >= 0 || fds[1] >= 0) && !leader_exited(pid, false))
    if (!pump(fds, ls, on_line, 100))
      break;
  leader_exited(pid, true);
  {
    // Leftovers of the group would hold the pipes open: end them first.
    std::lock_guard<std::mutex> guard{sh->mtx};
    ::kill(-pid, SIGKILL);
  }
  // Drain what is buffered, bounded in case a process escaped the group.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while ((fds[0] >= 0 || fds[1] >= 0) && std::chrono::steady_clock::now() < until)
    if (!pump(fds, ls, on_line, 50))
      break;
  for (int i = 0; i < 2; ++i) {
    ls[i].finish(on_line);
    close_fd(fds[i]);
  }
  int status = 0;
  {
    std::lock_guard<std::mutex> guard{sh->mtx};
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    sh->reaped = true;
  }
  if (WIFSIGNALED(status))
    on_exit(-1, WTERMSIG(status));
  else
    on_exit(WEXITSTATUS(status), 0);
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

// Between fork and exec only async-signal-safe calls: the parent has threads.
[[noreturn]] void exec_child(const child_spec& spec, const char* path, char* const* argv,
                             char* const* envp, int devnull, int out_w, int err_w, int report,
                             pid_t parent) {
  auto fail = [report](int32_t step) {
    exec_failure f{step, errno};
    auto ignored = ::write(report, &f, sizeof(f));
    (void)ignored;
    ::_exit(127);
  };
  ::setpgid(0, 0);
  // Fires when the forking thread exits: a CAF worker, alive as long as the
  // actor system (do not spawn from a detached actor's thread).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent)
    ::_exit(127); // kagentd died before prctl took effect
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP)
      ::signal(sig, SIG_DFL);
  ::dup2(devnull, 0);
  ::dup2(out_w, 1);
  ::dup2(err_w, 2);
  // Whatever the rest of kagentd opened without O_CLOEXEC (sockets, libpq).
  if (::syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */) != 0)
    for (int fd = 3; fd < 65536; ++fd)
      if (fd != report)
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (!spec.cwd.empty() && ::chdir(spec.cwd.c_str()) != 0)
    fail(1);
  auto limit = [&](int res, int64_t v, int64_t slack) {
    if (v <= 0)
      return;
    rlimit rl{static_cast<rlim_t>(v), static_cast<rlim_t>(v + slack)};
    if (::setrlimit(res, &rl) != 0)
      fail(2);
  };
  limit(RLIMIT_AS, spec.memory_bytes, 0);
  limit(RLIMIT_CPU, spec.cpu_seconds, 5); // SIGXCPU first, SIGKILL 5 s later
  limit(RLIMIT_FSIZE, spec.file_bytes, 0);
  limit(RLIMIT_NPROC, spec.processes, 0);
  ::execve(path, argv, envp);
  fail(3);
  ::_exit(127); // not reached: fail() exits
}

} // namespace

child_process::child_process(std::shared_ptr<shared> sh, std::thread watcher)
    : shared_(std::move(sh)), watcher_(std::move(watcher)) {}

child_process::~child_process() {
  kill(SIGKILL);
  if (watcher_.joinable())
    watcher_.join();
}

pid_t child_process::pid() const {
  return shared_->pid;
}

void child_process::kill(int sig) {
  std::lock_guard<std::mutex> guard{shared_->mtx};
  if (!shared_->reaped && shared_->pid > 0)
    ::kill(-shared_->pid, sig);
}

caf::expected<std::unique_ptr<child_process>>
child_process::spawn(const child_spec& spec, child_line_fn on_line, child_exit_fn on_exit) {
  if (spec.argv.empty())
    return make_error(errc::invalid_input, "empty argv");
  auto path = resolve(spec.argv[0], spec.env);
  auto argv = c_strings(spec.argv);
  auto envp = c_strings(spec.env);
  int out[2] = {-1, -1}, err[2] = {-1, -1}, rep[2] = {-1, -1};
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0
      || ::pipe2(rep, O_CLOEXEC) != 0) {
    auto msg = std::string{"pipe: "} + std::strerror(errno);
    for (int* fd : {&devnull, &out[0], &out[1], &err[0], &err[1], &rep[0], &rep[1]})
      close_fd(*fd);
    return make_error(errc::internal, msg);
  }
  auto parent = ::getpid();
  auto pid = ::fork();
  if (pid == 0)
    exec_child(spec, path.c_str(), argv.data(), envp.data(), devnull, out[1], err[1], rep[1],
               parent);
  auto fork_errno = errno;
  for (int* fd : {&devnull, &out[1], &err[1], &rep[1]})
    close_fd(*fd);
  if (pid < 0) {
    for (int* fd : {&out[0], &err[0], &rep[0]})
      close_fd(*fd);
    return make_error(errc::internal, std::string{"fork: "} + std::strerror(fork_errno));
  }
  ::setpgid(pid, pid); // also in the child: whoever runs first wins the race
  exec_failure f{0, 0};
  ssize_t n;
  while ((n = ::read(rep[0], &f, sizeof(f))) < 0 && errno == EINTR) {
  }
  close_fd(rep[0]);
  if (n == static_cast<ssize_t>(sizeof(f))) {
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    close_fd(out[0]);
    close_fd(err[0]);
    static const char* steps[] = {"?", "chdir", "setrlimit", "exec"};
    auto what = std::string{steps[f.step >= 1 && f.step <= 3 ? f.step : 0]};
    auto target = f.step == 1 ? spec.cwd : path;
    return make_error(errc::internal, what + " " + target + ": " + std::strerror(f.err));
  }
  auto sh = std::make_shared<shared>();
  sh->pid = pid;
  std::thread watcher{watch, sh, out[0], err[0], std::move(on_line), std::move(on_exit)};
  return std::unique_ptr<child_process>{new child_process(sh, std::move(watcher))};
}

} // namespace kagent
