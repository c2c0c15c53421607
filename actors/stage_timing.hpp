// Where a stage attempt's time goes (issue 13): from the job actor's first
// request for it to its committed outputs, minus its processes' own run
// time (spawn to exit, measured by the launcher) is what orchestration cost:
// placement, launch, the hops of results and events, the commit. Plain
// arithmetic on a monotonic clock in microseconds; tested without actors.
#pragma once

#include <cstdint>

namespace kagent {

/// The timing points of one stage attempt.
class stage_timing {
public:
  /// The attempt's first step was requested at `now_us`; forgets earlier runs.
  void start(int64_t now_us) {
    submitted_us_ = now_us;
    run_us_ = 0;
  }

  /// A step's process ran `run_us` (spawn to exit).
  void add_run(int64_t run_us);

  /// Orchestration time once committed at `committed_us`: the elapsed time
  /// minus the processes' run time, never negative (clocks of other nodes).
  int64_t overhead_us(int64_t committed_us) const;

  /// The processes' run time so far.
  int64_t run_us() const {
    return run_us_;
  }

private:
  int64_t submitted_us_ = 0;
  int64_t run_us_ = 0;
};

} // namespace kagent
