// From "run this stage" to a ready spawn: the host facts found once at
// start (the stage user, where cgroups go), and per stage attempt the
// argv, environment, descriptors, identity, limits and cgroup. Used by
// kagentd's launchers and by `kagent-stage solve` alike.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "sandbox/cgroup_root.hpp"
#include "sandbox/options.hpp"
#include "sandbox/spawn.hpp"
#include "sandbox/stage_cgroup.hpp"
#include "sandbox/unique_fd.hpp"

namespace kagent::sandbox {

/// What this host gives every stage, found once at start.
struct host_setup {
  identity user;                      ///< who stages run as
  std::optional<cgroup_root> cgroups; ///< where their cgroups go; none: unbounded
  std::string cgroup_problem;         ///< why there is no cgroup

  /// One line for logs and /health, e.g. "uid 998 (kagent-sandbox), cgroup v1 ...".
  std::string describe(const options& opts) const;
};

/// Checks `opts` against this host and makes the cgroup root. Fails on an
/// unknown mode, a missing stage user, and a missing cgroup when
/// opts.cgroup is "required" or the mode is "process" (only a cgroup ends
/// a process-mode stage's daemons).
result<host_setup> setup_host(const options& opts);

/// Removes what setup_host made (the cgroup root).
void teardown_host(const host_setup& host);

/// One stage attempt, as the caller describes it.
struct stage_call {
  std::vector<std::string> argv; ///< may use the placeholders of stage_layout
  std::string job_dir;           ///< host path, absolute; owned by the stage user
  std::string competition_dir;   ///< host path of the public files; may be empty
  std::string description;       ///< host path of description.md; may be empty
  std::string stage_bin;         ///< host path of kagent-stage; may be empty
  std::string python;            ///< interpreter; under /usr in bwrap mode
  std::string name;              ///< a plain name for its cgroup, unique while it runs
  std::string llm_socket;        ///< host path of the LLM proxy's socket, for stages that
                                 ///< call the LLM only; empty: none (no way out at all)
};

/// A stage ready to start: hand `spec` and `cgroup` to child_process::spawn
/// and keep `fds` open until it has started.
struct prepared_stage {
  spawn_spec spec;
  std::optional<stage_cgroup> cgroup;
  std::vector<unique_fd> fds;
};

/// Builds everything `call` needs in mode `opts.mode`.
result<prepared_stage> prepare_stage(const options& opts, const host_setup& host,
                                     const stage_call& call);

} // namespace kagent::sandbox
