// The actors' replies to /metrics' questions as the plain figures metrics/
// exports (metrics/state_view.hpp). Pure.
#pragma once

#include "actors/messages.hpp"
#include "cluster/node_registry.hpp"
#include "metrics/state_view.hpp"

namespace kagent::http {

/// Admission's counters and queue.
metrics::admission_figures figures_of(const admission_stats& s);

/// The progress hub's holdings.
metrics::hub_figures figures_of(const hub_stats& s);

/// The node registry's totals and every node it knows (up or not).
metrics::cluster_figures figures_of(const cluster::cluster_view& v);

} // namespace kagent::http
