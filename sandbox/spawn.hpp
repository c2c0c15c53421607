// The one fork+exec of kagent: stage launchers, `kagent-stage solve` and
// the embedded PostgreSQL all start their programs here, so process
// hygiene (descriptors, signals, parent death, rlimits, identity, cgroup,
// seccomp) is written once. Exec failures come back as values through a
// close-on-exec pipe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "sandbox/identity.hpp"
#include "sandbox/seccomp_filter.hpp"

namespace kagent::sandbox {

/// Per-process resource limits; values <= 0 are inherited. (Processes are
/// bounded per stage by its cgroup: RLIMIT_NPROC counts a whole uid.)
struct rlimits {
  int64_t address_space = 0; ///< RLIMIT_AS
  int64_t cpu_seconds = 0;   ///< RLIMIT_CPU (SIGXCPU, SIGKILL 5 s later)
  int64_t file_bytes = 0;    ///< RLIMIT_FSIZE
};

/// Which process group / session the program gets.
enum class grouping {
  own_group,   ///< a new process group led by the program (stages)
  new_session, ///< a new session (servers: no terminal signals reach them)
};

/// A bind mount made before exec (see spawn_spec::staging).
struct staged_bind {
  std::string source;     ///< host path to bind (resolved as root); empty: just a directory
  std::string target;     ///< absolute, below staging_root
  bool directory = true;  ///< else a file
  bool read_only = false;
};

/// Everything about starting one program.
struct spawn_spec {
  std::vector<std::string> argv;  ///< argv[0] absolute, or looked up in the PATH of env
  std::vector<std::string> env;   ///< the whole environment, "KEY=value"
  std::string cwd;                ///< empty: inherit
  int stdout_fd = -1;             ///< -1: /dev/null; stdin is always /dev/null
  int stderr_fd = -1;             ///< -1: /dev/null
  rlimits limits;
  identity user;
  grouping group = grouping::own_group;
  int parent_death_signal = 0;    ///< sent when the spawning thread dies; 0: none
  std::vector<std::string> cgroup_procs; ///< cgroup.procs files joined before exec
  std::vector<int> keep_fds;      ///< inherited at the same numbers; all others close
  /// Root only: a private mount namespace with a tmpfs at `staging_root`
  /// holding `staging` binds, made before the identity changes. The program
  /// then reaches those paths even where it could not search their host
  /// parents (a data dir made by mktemp -d is 0700).
  std::string staging_root;
  std::vector<staged_bind> staging;
  bool confine = false;           ///< install the seccomp filter of `seccomp`
  seccomp_policy seccomp;
};

/// Starts `spec`; the pid of the child, or why it could not exec.
result<pid_t> spawn(const spawn_spec& spec);

/// Runs `spec` to its end, collecting stdout and stderr into `output`.
/// Returns the exit code, or -1 when it was killed or could not start.
int run_to_end(spawn_spec spec, std::string& output);

} // namespace kagent::sandbox
