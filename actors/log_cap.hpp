// The bound on stored stage output per job (issue 9): of the lines a stage
// step prints (log and progress events), the first `keep` are stored and
// streamed as they come; the rest wait in a ring of the last `keep`. When the
// step ends, a marker says how many lines were dropped and the ring follows.
// A job thus stores at most 2 * keep + 1 output events per step attempt,
// whatever its stages print. Plain class; the job actor carries it out.
#pragma once

#include <cstddef>
#include <deque>
#include <vector>

#include "core/job.hpp"

namespace kagent {

/// The head/tail filter of one job's stage output.
class log_cap {
public:
  /// Keeps the first and the last `keep` lines of each step; 0 keeps all.
  explicit log_cap(size_t keep = 1000) : keep_(keep) {
  }

  /// Takes one output event: true when it goes out now, false when it
  /// waits in (or was pushed out of) the tail ring.
  bool admit(const job_event& ev);

  /// What the end of a step releases: the dropped count and the tail.
  struct tail {
    size_t dropped = 0;          ///< lines neither in the head nor in `last`
    std::vector<job_event> last; ///< the last lines, oldest first
  };

  /// Ends the step: hands out the tail and starts counting afresh.
  tail finish();

  /// The marker's message, e.g. "1234 output lines dropped (kept the first
  /// 1000 and the last 1000)".
  std::string marker(size_t dropped) const;

private:
  size_t keep_;
  size_t passed_ = 0;
  size_t dropped_ = 0;
  std::deque<job_event> ring_;
};

} // namespace kagent
