#include "sandbox/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>

#include "sandbox/unique_fd.hpp"

namespace kagent::sandbox {

struct child_process::shared {
  std::mutex mtx;
  pid_t pid = -1;
  bool reaped = false; // guarded by mtx: after reaping, the pgid may be reused
  std::optional<stage_cgroup> cgroup; // used by the watcher only
  int64_t spawned_us = 0;             // steady_us() before the fork
};

namespace {

// sandbox/ links no kagent library: its own monotonic microseconds.
int64_t steady_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
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
void read_some(unique_fd& fd, line_splitter& ls, const child_line_fn& fn) {
  char chunk[65536];
  auto n = ::read(fd.get(), chunk, sizeof(chunk));
  if (n > 0)
    ls.feed(chunk, static_cast<size_t>(n), fn);
  else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    ls.finish(fn);
    fd.reset();
  }
}

/// Polls the open pipes for up to `timeout_ms`; returns false on poll failure.
bool pump(unique_fd (&fds)[2], line_splitter (&ls)[2], const child_line_fn& fn, int timeout_ms) {
  pollfd p[2];
  int idx[2];
  nfds_t k = 0;
  for (int i = 0; i < 2; ++i)
    if (fds[i]) {
      p[k] = pollfd{fds[i].get(), POLLIN, 0};
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

bool open_pipes(const unique_fd (&fds)[2]) {
  return fds[0] || fds[1];
}

void watch(std::shared_ptr<child_process::shared> sh, unique_fd out, unique_fd err,
           child_line_fn on_line, child_exit_fn on_exit) {
  unique_fd fds[2] = {std::move(out), std::move(err)};
  line_splitter ls[2] = {{child_stream::out, {}}, {child_stream::err, {}}};
  auto pid = sh->pid;
  // Until both pipes close or the leader exits.
  while (open_pipes(fds) && !leader_exited(pid, false))
    if (!pump(fds, ls, on_line, 100))
      break;
  leader_exited(pid, true);
  // The process's own run time ends here: what follows (draining, reaping,
  // the cgroup) is the launcher's cost.
  auto run_us = steady_us() - sh->spawned_us;
  {
    // Leftovers of the group would hold the pipes open: end them first.
    std::lock_guard<std::mutex> guard{sh->mtx};
    ::kill(-pid, SIGKILL);
  }
  // And whatever left the group (setsid, double fork) but not the cgroup.
  if (sh->cgroup)
    sh->cgroup->kill_all();
  // Drain what is buffered, bounded in case a process escaped the group.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (open_pipes(fds) && std::chrono::steady_clock::now() < until)
    if (!pump(fds, ls, on_line, 50))
      break;
  for (int i = 0; i < 2; ++i) {
    ls[i].finish(on_line);
    fds[i].reset();
  }
  int status = 0;
  {
    std::lock_guard<std::mutex> guard{sh->mtx};
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    sh->reaped = true;
  }
  child_exit ex;
  ex.run_us = run_us;
  if (WIFSIGNALED(status))
    ex.signal = WTERMSIG(status);
  else
    ex.code = WEXITSTATUS(status);
  if (sh->cgroup) {
    ex.usage = sh->cgroup->usage();
    sh->cgroup.reset(); // removes it
  }
  on_exit(ex);
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

result<std::unique_ptr<child_process>> child_process::spawn(spawn_spec spec,
                                                            std::optional<stage_cgroup> cgroup,
                                                            child_line_fn on_line,
                                                            child_exit_fn on_exit) {
  int out[2] = {-1, -1}, err[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0)
    return fail(std::string{"pipe: "} + std::strerror(errno));
  unique_fd out_r{out[0]}, out_w{out[1]};
  if (::pipe2(err, O_CLOEXEC) != 0)
    return fail(std::string{"pipe: "} + std::strerror(errno));
  unique_fd err_r{err[0]}, err_w{err[1]};
  spec.group = grouping::own_group;
  spec.stdout_fd = out_w.get();
  spec.stderr_fd = err_w.get();
  if (cgroup)
    spec.cgroup_procs = cgroup->procs_files();
  auto spawned_us = steady_us();
  auto pid = sandbox::spawn(spec);
  if (!pid)
    return fail(pid.error());
  auto sh = std::make_shared<shared>();
  sh->spawned_us = spawned_us;
  sh->pid = *pid;
  sh->cgroup = std::move(cgroup);
  std::thread watcher{watch, sh, std::move(out_r), std::move(err_r), std::move(on_line),
                      std::move(on_exit)};
  return std::unique_ptr<child_process>{new child_process(sh, std::move(watcher))};
}

} // namespace kagent::sandbox
