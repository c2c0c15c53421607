// Where this process makes its per-stage cgroups: a directory of its own
// (`kagent.<pid>`) below its current cgroup, in the v1 `memory` and `pids`
// hierarchies or in the unified v2 one. The choice is a pure function of
// /proc/self/cgroup and /proc/self/mountinfo, so it is tested with texts.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace kagent::sandbox {

/// Which cgroup interface limits the stages.
enum class cgroup_version { v1, v2 };

/// The parent directories of this process's stage cgroups.
struct cgroup_root {
  cgroup_version version = cgroup_version::v1;
  std::string memory_dir; ///< parent in the memory hierarchy
  std::string pids_dir;   ///< parent in the pids hierarchy (v2: = memory_dir)

  /// E.g. "cgroup v1 (memory, pids)".
  std::string describe() const;
};

/// /proc/self/cgroup as controller -> path; the v2 line has the key "".
std::map<std::string, std::string> parse_proc_cgroup(const std::string& text);

/// One cgroup file system mount of /proc/self/mountinfo.
struct cgroup_mount {
  std::string root;        ///< the hierarchy path mounted there
  std::string mount_point;
  bool v2 = false;
  std::vector<std::string> controllers; ///< v1: from the super options
};

/// The cgroup and cgroup2 mounts of a mountinfo text.
std::vector<cgroup_mount> parse_cgroup_mounts(const std::string& mountinfo);

/// Where the stage cgroups of `name` go: v1 when both `memory` and `pids`
/// hierarchies are mounted, else v2 when the unified one is; a failure
/// saying what is missing otherwise.
result<cgroup_root> plan_cgroup_root(const std::map<std::string, std::string>& own,
                                     const std::vector<cgroup_mount>& mounts,
                                     const std::string& name);

/// Plans and creates the root for this process (name "kagent.<pid>"),
/// enabling the memory and pids controllers on v2, and removes roots left
/// by dead kagent processes (killing what still runs in them).
result<cgroup_root> make_cgroup_root();

/// Removes the (empty) root directories.
void remove_cgroup_root(const cgroup_root& root);

} // namespace kagent::sandbox
