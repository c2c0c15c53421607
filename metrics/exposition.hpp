// The Prometheus text exposition of GET /metrics, by prometheus-cpp's
// TextSerializer (its civetweb exposer is not used: our Beast server answers).
#pragma once

#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace kagent::metrics {

/// Content-Type of the text exposition.
constexpr const char* exposition_content_type = "text/plain; version=0.0.4";

/// The text (format 0.0.4) of what `live` collects now, then `extra`.
std::string exposition_text(const prometheus::Collectable& live,
                            std::vector<prometheus::MetricFamily> extra);

} // namespace kagent::metrics
