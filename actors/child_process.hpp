// A child process started with fork+exec in its own process group, with
// stdin on /dev/null, stdout/stderr on pipes and rlimits applied. One watcher
// thread per child reads both pipes line by line and reports each line and
// finally the exit status through callbacks; it never touches actor state.
// Used by the launcher actor only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/expected.hpp>

namespace kagent {

/// What to run and under which limits. Limits <= 0 are left as inherited.
struct child_spec {
  std::vector<std::string> argv; ///< argv[0] absolute, or looked up in PATH
  std::vector<std::string> env;  ///< the whole environment, "KEY=value"
  std::string cwd;               ///< working directory, empty: inherit
  int64_t memory_bytes = 0;      ///< RLIMIT_AS
  int64_t cpu_seconds = 0;       ///< RLIMIT_CPU
  int64_t file_bytes = 0;        ///< RLIMIT_FSIZE
  int64_t processes = 0;         ///< RLIMIT_NPROC
};

/// Which pipe a line came from.
enum class child_stream : int32_t { out = 1, err = 2 };

/// Called on the watcher thread for every line (without the '\n').
using child_line_fn = std::function<void(child_stream, std::string)>;

/// Called once on the watcher thread after the child was reaped:
/// (exit code or -1, terminating signal or 0).
using child_exit_fn = std::function<void(int32_t, int32_t)>;

/// Longest line passed to the line callback; longer lines are split.
constexpr size_t max_child_line = 16 * 1024;

/// A running (or finished) child and its watcher thread. Destroying it kills
/// the whole process group with SIGKILL and joins the watcher.
class child_process {
public:
  /// Starts `spec`; fails when fork or exec fails (exec errors are reported
  /// synchronously through a close-on-exec pipe).
  static caf::expected<std::unique_ptr<child_process>>
  spawn(const child_spec& spec, child_line_fn on_line, child_exit_fn on_exit);

  ~child_process();

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// The child's pid, which is also its process group id.
  pid_t pid() const;

  /// Sends `sig` to the child's whole process group; no-op once reaped.
  void kill(int sig);

  /// Shared between the owner and the watcher thread.
  struct shared;

private:
  child_process(std::shared_ptr<shared> sh, std::thread watcher);

  std::shared_ptr<shared> shared_;
  std::thread watcher_;
};

} // namespace kagent
