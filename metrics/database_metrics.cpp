#include "metrics/database_metrics.hpp"

#include "metrics/buckets.hpp"

namespace kagent::metrics {

database_metrics::database_metrics(prometheus::Registry& r)
  : batch_writes_(prometheus::BuildHistogram()
                    .Name("kagent_db_batch_writes")
                    .Help("Writes per committed transaction of the persistence actor "
                          "(group commit).")
                    .Register(r)
                    .Add({}, batch_size_buckets())),
    commit_seconds_(prometheus::BuildHistogram()
                      .Name("kagent_db_commit_duration_seconds")
                      .Help("Time of one group-commit transaction, BEGIN to COMMIT.")
                      .Register(r)
                      .Add({}, commit_buckets())),
    batch_failures_(prometheus::BuildCounter()
                      .Name("kagent_db_batch_failures_total")
                      .Help("Group-commit transactions that failed as a whole.")
                      .Register(r)
                      .Add({})) {
}

void database_metrics::observe_commit(size_t writes, double seconds) {
  batch_writes_.Observe(static_cast<double>(writes));
  commit_seconds_.Observe(seconds);
}

void database_metrics::count_batch_failure() {
  batch_failures_.Increment();
}

} // namespace kagent::metrics
