#include "http/metrics_figures.hpp"

namespace kagent::http {

metrics::admission_figures figures_of(const admission_stats& s) {
  return {s.accepted, s.rejected, s.queued, s.running, s.max_running};
}

metrics::hub_figures figures_of(const hub_stats& s) {
  return {s.subscribers, s.jobs};
}

metrics::cluster_figures figures_of(const cluster::cluster_view& v) {
  metrics::cluster_figures out{v.slots, v.busy, v.waiting, v.lost_nodes, {}};
  for (auto& n : v.nodes)
    out.nodes.push_back({n.name, n.state == "up", n.slots, n.busy, n.stages_run, n.stages_lost,
                         n.last_heartbeat / 1000});
  return out;
}

} // namespace kagent::http
