// Process plumbing for the embedded PostgreSQL cluster: run programs as the
// unprivileged `postgres` user (through sandbox/spawn, the one fork+exec),
// check what that user can reach, and clear a stale postmaster.pid. Used
// only by embedded_postgres.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

namespace kagent::pg {

/// Who runs the cluster's programs.
struct run_user {
  bool switch_user = false;  ///< true when we are root and drop to uid/gid
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

/// `postgres` when running as root, the current user otherwise.
caf::expected<run_user> cluster_user();

/// True when `user` can search every directory of `path` (test -x, run as it).
bool can_traverse(const run_user& user, const std::string& path);

/// Runs argv[0] as `user` to completion; output gets stdout and stderr.
/// Returns the exit code (-1 when it could not run or was killed).
int run_to_end(const run_user& user, const std::vector<std::string>& argv,
               std::string& output);

/// Starts argv[0] as `user` in a new session, stdout/stderr appended to
/// log_path, killed by SIGTERM when the calling thread dies.
caf::expected<pid_t> spawn_server(const run_user& user, const std::vector<std::string>& argv,
                                  const std::string& log_path);

/// Waits up to timeout_ms for our child `pid` to exit; true when it did.
bool wait_child(pid_t pid, int timeout_ms);

/// Removes <cluster>/postmaster.pid when its pid is dead or not a postgres on
/// this cluster; stops such a postgres (SIGINT, then SIGKILL) when it is.
caf::error clear_stale_pid(const std::string& cluster_dir, int timeout_ms);

/// Changes the owner of `path` and everything below it.
caf::error chown_tree(const std::string& path, uid_t uid, gid_t gid);

/// The last `max_lines` lines of a text file ("" when unreadable).
std::string tail_of_file(const std::string& path, size_t max_lines = 15);

/// The last `max_lines` lines of a string.
std::string tail_of(const std::string& text, size_t max_lines = 15);

} // namespace kagent::pg
