#include "sandbox/stage_cgroup.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "sandbox/cgroup_files.hpp"
#include "sandbox/unique_fd.hpp"

namespace kagent::sandbox {

using namespace detail;

namespace {

bool contains(const std::vector<pid_t>& xs, pid_t x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

/// One round: SIGKILL to every member listed now. A pid is signalled through
/// a pidfd opened first and only if the pid is still listed afterwards, so a
/// pid that died and was reused by an outsider in between is left alone.
void kill_round(const std::string& procs) {
  auto before = read_pids(procs);
  std::vector<std::pair<pid_t, unique_fd>> held;
  for (auto pid : before) {
    long fd = ::syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0)
      held.emplace_back(pid, unique_fd{static_cast<int>(fd)});
    else if (errno == ENOSYS)
      ::kill(pid, SIGKILL); // kernels before 5.3: the small race stays
  }
  auto after = read_pids(procs);
  for (auto& [pid, fd] : held)
    if (contains(after, pid))
      ::syscall(SYS_pidfd_send_signal, fd.get(), SIGKILL, nullptr, 0);
}

std::string limit_text(int64_t v) {
  return v > 0 ? std::to_string(v) : "max";
}

} // namespace

bool kill_members(const std::string& dir, cgroup_version version) {
  auto procs = dir + "/cgroup.procs";
  // cgroup v2 (5.14+) kills atomically; v1 needs rounds until nothing forks.
  if (version == cgroup_version::v2)
    write_text(dir + "/cgroup.kill", "1");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!read_pids(procs).empty()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    kill_round(procs);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

result<stage_cgroup> stage_cgroup::create(const cgroup_root& root, const std::string& name,
                                          const cgroup_limits& limits) {
  stage_cgroup cg;
  cg.version_ = root.version;
  cg.dirs_.push_back(root.memory_dir + "/" + name);
  if (root.pids_dir != root.memory_dir)
    cg.dirs_.push_back(root.pids_dir + "/" + name);
  for (auto& dir : cg.dirs_)
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
      return fail("cannot create cgroup " + dir + ": " + std::strerror(errno));
  auto set = [&](const std::string& dir, const std::string& file, int64_t v) -> std::string {
    if (int err = write_text(dir + "/" + file, limit_text(v)))
      return "cannot set " + dir + "/" + file + ": " + std::strerror(err);
    return {};
  };
  auto& mem = cg.dirs_.front();
  auto& pids = cg.dirs_.back();
  std::string err;
  if (cg.version_ == cgroup_version::v1) {
    err = set(mem, "memory.limit_in_bytes", limits.memory_bytes);
    // Swap counts too where the kernel accounts it (memsw >= limit: set after).
    if (err.empty() && ::access((mem + "/memory.memsw.limit_in_bytes").c_str(), F_OK) == 0)
      set(mem, "memory.memsw.limit_in_bytes", limits.memory_bytes);
  } else {
    err = set(mem, "memory.max", limits.memory_bytes);
    if (err.empty() && ::access((mem + "/memory.swap.max").c_str(), F_OK) == 0)
      write_text(mem + "/memory.swap.max", "0");
  }
  if (err.empty())
    err = set(pids, "pids.max", limits.tasks);
  if (!err.empty())
    return fail(err); // cg's destructor removes the directories
  return cg;
}

stage_cgroup::stage_cgroup(stage_cgroup&& other) noexcept
    : version_(other.version_), dirs_(std::move(other.dirs_)) {
  other.dirs_.clear();
}

stage_cgroup& stage_cgroup::operator=(stage_cgroup&& other) noexcept {
  if (this != &other) {
    remove();
    version_ = other.version_;
    dirs_ = std::move(other.dirs_);
    other.dirs_.clear();
  }
  return *this;
}

stage_cgroup::~stage_cgroup() {
  remove();
}

std::vector<std::string> stage_cgroup::procs_files() const {
  std::vector<std::string> out;
  for (auto& dir : dirs_)
    out.push_back(dir + "/cgroup.procs");
  return out;
}

bool stage_cgroup::kill_all() {
  bool empty = true;
  for (auto& dir : dirs_)
    empty = kill_members(dir, version_) && empty;
  return empty;
}

cgroup_usage stage_cgroup::usage() const {
  cgroup_usage u;
  if (dirs_.empty())
    return u;
  auto& mem = dirs_.front();
  auto& pids = dirs_.back();
  if (version_ == cgroup_version::v1) {
    u.memory_peak_bytes = number_in(mem + "/memory.max_usage_in_bytes");
    u.oom_kills = keyed_value(read_text(mem + "/memory.oom_control"), "oom_kill");
  } else {
    u.memory_peak_bytes = number_in(mem + "/memory.peak");
    u.oom_kills = keyed_value(read_text(mem + "/memory.events"), "oom_kill");
  }
  u.tasks_peak = number_in(pids + "/pids.peak");
  return u;
}

void stage_cgroup::remove() {
  if (dirs_.empty())
    return;
  kill_all();
  for (auto& dir : dirs_)
    for (int i = 0; i < 100 && ::rmdir(dir.c_str()) != 0 && errno == EBUSY; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10)); // exiting members
  dirs_.clear();
}

} // namespace kagent::sandbox
