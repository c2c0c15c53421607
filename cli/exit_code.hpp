// The CLI's exit codes, one place: scripts depend on them.
#pragma once

namespace kagent::cli {

/// Process exit codes of `kagent`.
enum exit_code : int {
  exit_ok = 0,          ///< the command worked; a followed job succeeded
  exit_job_failed = 1,  ///< the job ended failed, timeout or cancelled (or is not done)
  exit_usage = 2,       ///< bad command line or rejected input
  exit_unreachable = 3, ///< server unreachable or an unexpected HTTP answer
  exit_not_found = 4,   ///< no such job
};

} // namespace kagent::cli
