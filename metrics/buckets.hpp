// The histogram bucket bounds of kagentd's families, one list per kind of
// quantity, so each is chosen once (seconds unless named otherwise).
#pragma once

#include <prometheus/histogram.h>

namespace kagent::metrics {

/// HTTP answers: 1 ms .. 10 s (the p95 alert's 1 s is a bound).
prometheus::Histogram::BucketBoundaries request_buckets();

/// Stage runs: 0.5 s .. 4 h.
prometheus::Histogram::BucketBoundaries stage_buckets();

/// Orchestration per stage attempt: 0.1 ms .. 2.5 s, fine around the 1 ms goal.
prometheus::Histogram::BucketBoundaries overhead_buckets();

/// Submit to first stage: 10 ms .. 4 h.
prometheus::Histogram::BucketBoundaries queue_wait_buckets();

/// One database commit: 0.5 ms .. 10 s.
prometheus::Histogram::BucketBoundaries commit_buckets();

/// Writes per transaction: 1 .. 512 (the persistence actor's max batch).
prometheus::Histogram::BucketBoundaries batch_size_buckets();

} // namespace kagent::metrics
