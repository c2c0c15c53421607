// Label values shared by the metric families: each is one of a fixed set, so
// the number of series stays bounded whatever clients send.
#pragma once

namespace kagent::metrics {

/// Route label of GET /, answered before routing reaches an endpoint.
constexpr const char* route_dashboard = "dashboard";

/// Route label of every other answer given before routing (404, 405, 413, ...).
constexpr const char* route_other = "other";

/// "1xx" .. "5xx" for an HTTP status, "other" outside 100..599.
const char* status_class(int status);

} // namespace kagent::metrics
