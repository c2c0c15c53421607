// One stage's cgroup: made before the stage starts, with a memory limit
// (tmpfs pages the stage writes are charged to it too) and a pids limit;
// the stage joins it before exec, so every descendant is in it, whatever
// session or process group it moves to. Killing the cgroup is how a stage
// ends for good: no daemon outlives it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "sandbox/cgroup_root.hpp"

namespace kagent::sandbox {

/// The bounds of one stage.
struct cgroup_limits {
  int64_t memory_bytes = 0; ///< <= 0: no memory limit
  int64_t tasks = 0;        ///< processes and threads; <= 0: no limit
};

/// What a finished stage used (-1: the kernel does not say).
struct cgroup_usage {
  int64_t memory_peak_bytes = -1;
  int64_t tasks_peak = -1;
  int64_t oom_kills = -1; ///< processes the OOM killer ended in this cgroup
};

/// Sends SIGKILL to every process in the cgroup directory `dir` until none
/// is left (bounded wait); never signals a process outside it, even when a
/// pid is reused meanwhile. True when the cgroup is empty.
bool kill_members(const std::string& dir, cgroup_version version);

/// A stage's cgroup, removed (after killing its members) on destruction.
class stage_cgroup {
public:
  /// Creates <root>/<name> in each hierarchy and applies `limits`.
  static result<stage_cgroup> create(const cgroup_root& root, const std::string& name,
                                     const cgroup_limits& limits);

  stage_cgroup(stage_cgroup&& other) noexcept;
  stage_cgroup& operator=(stage_cgroup&& other) noexcept;
  stage_cgroup(const stage_cgroup&) = delete;
  stage_cgroup& operator=(const stage_cgroup&) = delete;
  ~stage_cgroup();

  /// The cgroup.procs files a stage writes its pid to before exec.
  std::vector<std::string> procs_files() const;

  /// Kills every process of the stage; true when none is left.
  bool kill_all();

  /// Memory and task figures so far.
  cgroup_usage usage() const;

private:
  stage_cgroup() = default;
  void remove();

  cgroup_version version_ = cgroup_version::v1;
  std::vector<std::string> dirs_; ///< v1: memory then pids; v2: one
};

} // namespace kagent::sandbox
