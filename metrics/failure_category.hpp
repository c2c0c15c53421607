// Why a job failed, in a few words fit for a label: the categories of
// kagent_job_failures_total.
#pragma once

#include <cstdint>

namespace kagent::metrics {

/// A failed or timed-out job's cause.
enum class failure_category : uint8_t {
  program_error,   ///< a stage's program exited non-zero
  missing_output,  ///< a stage exited 0 but left a required file out
  timeout,         ///< a stage ran past its deadline
  killed,          ///< a stage was killed by a signal (a sandbox limit, OOM)
  sandbox,         ///< the sandbox could not start the stage
  unsafe_output,   ///< an output was refused (a link, not a regular file, too big)
  node_lost,       ///< the node running the stage was lost
  launcher,        ///< no answer from the node or launcher
  source,          ///< the competition's files could not be had
  database,        ///< outputs could not be committed
  crashed,         ///< the job actor died more often than it is respawned
  other,
};

/// The label value of `c` ("program_error", "timeout", ...).
const char* to_string(failure_category c);

/// True for the categories that are the sandbox's doing (kagent_sandbox_failures_total).
bool is_sandbox_failure(failure_category c);

} // namespace kagent::metrics
