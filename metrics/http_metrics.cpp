#include "metrics/http_metrics.hpp"

#include "metrics/buckets.hpp"
#include "metrics/labels.hpp"

namespace kagent::metrics {

http_metrics::http_metrics(prometheus::Registry& r)
  : requests_(prometheus::BuildHistogram()
                .Name("kagent_http_request_duration_seconds")
                .Help("Time from reading a request to writing its response, by route and "
                      "status class.")
                .Register(r)),
    slow_consumers_(prometheus::BuildCounter()
                      .Name("kagent_ws_slow_consumers_total")
                      .Help("WebSocket sessions closed (4000) because the client fell behind.")
                      .Register(r)
                      .Add({})) {
}

void http_metrics::observe_request(const std::string& route, int status, double seconds) {
  requests_.Add({{"route", route}, {"status_class", status_class(status)}}, request_buckets())
    .Observe(seconds);
}

void http_metrics::count_slow_consumer() {
  slow_consumers_.Increment();
}

} // namespace kagent::metrics
