#include "metrics/buckets.hpp"

namespace kagent::metrics {

prometheus::Histogram::BucketBoundaries request_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

prometheus::Histogram::BucketBoundaries stage_buckets() {
  return {0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400};
}

prometheus::Histogram::BucketBoundaries overhead_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075,
          0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
}

prometheus::Histogram::BucketBoundaries queue_wait_buckets() {
  return {0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 600, 1800, 3600, 14400};
}

prometheus::Histogram::BucketBoundaries commit_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
}

prometheus::Histogram::BucketBoundaries batch_size_buckets() {
  return {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
}

} // namespace kagent::metrics
