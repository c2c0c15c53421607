// The persistence actor's group commit: how many writes each transaction
// carries and how long its commit takes.
#pragma once

#include <cstddef>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace kagent::metrics {

/// Families of kagent_db_batch_writes, kagent_db_commit_duration_seconds and
/// kagent_db_batch_failures_total.
class database_metrics {
public:
  /// Registers the families in `r`.
  explicit database_metrics(prometheus::Registry& r);

  /// A transaction of `writes` writes committed after `seconds` (BEGIN to COMMIT).
  void observe_commit(size_t writes, double seconds);

  /// A transaction failed as a whole (connection lost, COMMIT refused).
  void count_batch_failure();

private:
  prometheus::Histogram& batch_writes_;
  prometheus::Histogram& commit_seconds_;
  prometheus::Counter& batch_failures_;
};

} // namespace kagent::metrics
