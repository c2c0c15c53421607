// What the launcher makes of a stage's output, as plain functions: stdout
// protocol lines become job events, the output files come back through
// sandbox/job_dir (links and non-regular files refused), and the way a
// stage ended becomes a one-line reason.
#pragma once

#include <cstdint>
#include <string>

#include "actors/messages.hpp"
#include "sandbox/child_process.hpp"

namespace kagent {

/// Where a stage's protocol lines leave their traces.
struct line_memory {
  std::string json_error;  ///< last {"error": ...} line
  std::string last_stderr; ///< last non-empty stderr line
};

/// A line of the stage turned into an event of `req` (kind "progress" for
/// {"progress": x}, "log" otherwise); remembers error lines in `mem`.
job_event to_event(const stage_request& req, sandbox::child_stream stream,
                   const std::string& line, line_memory& mem);

/// Reads `req.outputs` from its job directory into `res.outputs`; the first
/// refused file sets res.error and res.unsafe_output.
void read_outputs(const stage_request& req, int64_t max_bytes, stage_result& res);

/// The reason of an attempt that did not end with exit code 0, or "".
/// `memory_limit` names the cgroup limit when the OOM killer struck.
std::string failure_reason(const sandbox::child_exit& ex, const line_memory& mem,
                           int64_t memory_limit);

} // namespace kagent
