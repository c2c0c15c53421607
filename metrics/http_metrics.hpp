// The HTTP server's own series: request latency per route and status class,
// and WebSocket consumers closed for being slow. Updated from I/O threads;
// prometheus-cpp's metrics are atomic and its families lock on Add.
#pragma once

#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace kagent::metrics {

/// Families of kagent_http_request_duration_seconds and kagent_ws_slow_consumers_total.
class http_metrics {
public:
  /// Registers the families in `r`.
  explicit http_metrics(prometheus::Registry& r);

  /// One answered request: `route` is to_string(api_kind) or a labels.hpp
  /// constant, `status` the HTTP status written.
  void observe_request(const std::string& route, int status, double seconds);

  /// One WebSocket session closed with 4000 because its consumer fell behind.
  void count_slow_consumer();

private:
  prometheus::Family<prometheus::Histogram>& requests_;
  prometheus::Counter& slow_consumers_;
};

} // namespace kagent::metrics
