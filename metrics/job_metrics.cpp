#include "metrics/job_metrics.hpp"

#include "metrics/buckets.hpp"

namespace kagent::metrics {

namespace {

prometheus::Family<prometheus::Counter>& counter(prometheus::Registry& r, const char* name,
                                                 const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}

} // namespace

job_metrics::job_metrics(prometheus::Registry& r)
  : stages_(prometheus::BuildHistogram()
              .Name("kagent_stage_duration_seconds")
              .Help("Stage attempts by stage and outcome, from start to commit or failure.")
              .Register(r)),
    overhead_(prometheus::BuildHistogram()
                .Name("kagent_stage_overhead_seconds")
                .Help("Committed stage attempts by stage: from the first request to the "
                      "commit, minus the stage processes' own run time.")
                .Register(r)),
    queue_wait_(prometheus::BuildHistogram()
                  .Name("kagent_queue_wait_seconds")
                  .Help("Time from a job's submission to the start of its first stage.")
                  .Register(r)
                  .Add({}, queue_wait_buckets())),
    retries_(counter(r, "kagent_stage_retries_total", "Failed stage attempts tried again.")),
    cancels_(counter(r, "kagent_job_cancels_total",
                     "Cancels that took effect, by the job's state when asked.")),
    sandbox_failures_(counter(r, "kagent_sandbox_failures_total",
                              "Stage attempts the sandbox could not start, killed or "
                              "whose outputs it refused.")),
    failures_(counter(r, "kagent_job_failures_total",
                      "Jobs that ended failed or timed out, by category of the cause.")),
    finished_(counter(r, "kagent_jobs_finished_total", "Jobs that ended, by final status.")) {
}

void job_metrics::observe_stage(const std::string& stage, const char* outcome, double seconds) {
  stages_.Add({{"stage", stage}, {"outcome", outcome}}, stage_buckets()).Observe(seconds);
}

void job_metrics::observe_overhead(const std::string& stage, double seconds) {
  overhead_.Add({{"stage", stage}}, overhead_buckets()).Observe(seconds);
}

void job_metrics::observe_queue_wait(double seconds) {
  queue_wait_.Observe(seconds);
}

void job_metrics::count_retry(const std::string& stage) {
  retries_.Add({{"stage", stage}}).Increment();
}

void job_metrics::count_cancel(const char* state) {
  cancels_.Add({{"state", state}}).Increment();
}

void job_metrics::count_sandbox_failure(const std::string& stage, failure_category c) {
  sandbox_failures_.Add({{"stage", stage}, {"category", to_string(c)}}).Increment();
}

void job_metrics::count_failure(failure_category c) {
  failures_.Add({{"category", to_string(c)}}).Increment();
}

void job_metrics::count_finished(const std::string& status) {
  finished_.Add({{"status", status}}).Increment();
}

} // namespace kagent::metrics
