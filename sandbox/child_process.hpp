// A running child (sandbox/spawn) with stdout and stderr on pipes, watched
// by one thread that reads both line by line and reports each line and
// finally the exit through callbacks; it never touches actor state. When
// the child's leader exits, everything else it started dies too: its
// process group, and every process of its cgroup (daemons included).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "core/result.hpp"
#include "sandbox/spawn.hpp"
#include "sandbox/stage_cgroup.hpp"

namespace kagent::sandbox {

/// Which pipe a line came from.
enum class child_stream : int32_t { out = 1, err = 2 };

/// Called on the watcher thread for every line (without the '\n').
using child_line_fn = std::function<void(child_stream, std::string)>;

/// How a child ended: exit code or -1, terminating signal or 0, and what
/// its cgroup saw.
struct child_exit {
  int32_t code = -1;
  int32_t signal = 0;
  cgroup_usage usage;
  int64_t run_us = 0;  ///< from before the fork to the leader's exit
};

/// Called once on the watcher thread after the child was reaped.
using child_exit_fn = std::function<void(const child_exit&)>;

/// Longest line passed to the line callback; longer lines are split.
constexpr size_t max_child_line = 16 * 1024;

/// A running (or finished) child and its watcher thread. Destroying it kills
/// the whole process group and cgroup and joins the watcher.
class child_process {
public:
  /// Starts `spec` (its stdout and stderr become the pipes) in `cgroup`, if
  /// any; fails when the program cannot be started.
  static result<std::unique_ptr<child_process>> spawn(spawn_spec spec,
                                                      std::optional<stage_cgroup> cgroup,
                                                      child_line_fn on_line,
                                                      child_exit_fn on_exit);

  ~child_process();

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// The child's pid, which is also its process group id.
  pid_t pid() const;

  /// Sends `sig` to the child's process group; no-op once reaped. The rest
  /// of the cgroup is killed by the watcher as soon as the leader is gone.
  void kill(int sig);

  /// Shared between the owner and the watcher thread.
  struct shared;

private:
  child_process(std::shared_ptr<shared> sh, std::thread watcher);

  std::shared_ptr<shared> shared_;
  std::thread watcher_;
};

} // namespace kagent::sandbox
