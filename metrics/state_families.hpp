// The series of a state_view as Prometheus metric families (kagent_jobs_*,
// kagent_http_*, kagent_ws_*, kagent_hub_jobs, kagent_cluster_*, kagent_node_*),
// built fresh for each scrape: their values live in the actors, not here.
#pragma once

#include <vector>

#include <prometheus/metric_family.h>

#include "metrics/state_view.hpp"

namespace kagent::metrics {

/// The families of `v`, in a fixed order; absent parts give no families.
std::vector<prometheus::MetricFamily> state_families(const state_view& v);

} // namespace kagent::metrics
