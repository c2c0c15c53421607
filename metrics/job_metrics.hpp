// The job pipeline's series: stage durations per stage and outcome, queue
// wait, retries, cancels, sandbox failures, failures by category and jobs
// finished by status. Updated by the job actors and the supervisor where the
// event happens; safe from any thread.
#pragma once

#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "metrics/failure_category.hpp"

namespace kagent::metrics {

/// Outcome label of kagent_stage_duration_seconds.
namespace outcome {
constexpr const char* success = "success";      ///< committed
constexpr const char* repair = "repair";        ///< a round of train's repair loop committed
constexpr const char* retry = "retry";          ///< failed, tried again
constexpr const char* failed = "failed";        ///< failed, the job with it
constexpr const char* timeout = "timeout";      ///< past its deadline, the job with it
constexpr const char* cancelled = "cancelled";  ///< stopped by a cancel
} // namespace outcome

/// The families of one job pipeline.
class job_metrics {
public:
  /// Registers the families in `r`.
  explicit job_metrics(prometheus::Registry& r);

  /// A stage attempt ended: how long it ran (its steps and the commit).
  void observe_stage(const std::string& stage, const char* outcome, double seconds);

  /// A stage attempt committed; `seconds` of it were orchestration, not its processes.
  void observe_overhead(const std::string& stage, double seconds);

  /// A new job's first stage started `seconds` after it was submitted.
  void observe_queue_wait(double seconds);

  /// A failed stage attempt is tried again.
  void count_retry(const std::string& stage);

  /// A cancel took effect on a job that was `state` ("queued" or "running").
  void count_cancel(const char* state);

  /// A stage attempt failed for the sandbox's reasons (is_sandbox_failure).
  void count_sandbox_failure(const std::string& stage, failure_category c);

  /// A job ended failed or timed out, for reason `c`.
  void count_failure(failure_category c);

  /// A job ended with `status` (success, failed, timeout, cancelled).
  void count_finished(const std::string& status);

private:
  prometheus::Family<prometheus::Histogram>& stages_;
  prometheus::Family<prometheus::Histogram>& overhead_;
  prometheus::Histogram& queue_wait_;
  prometheus::Family<prometheus::Counter>& retries_;
  prometheus::Family<prometheus::Counter>& cancels_;
  prometheus::Family<prometheus::Counter>& sandbox_failures_;
  prometheus::Family<prometheus::Counter>& failures_;
  prometheus::Family<prometheus::Counter>& finished_;
};

} // namespace kagent::metrics
