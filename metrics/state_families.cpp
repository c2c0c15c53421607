#include "metrics/state_families.hpp"

namespace kagent::metrics {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

ClientMetric sample(MetricType type, int64_t value, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  if (type == MetricType::Counter)
    m.counter.value = static_cast<double>(value);
  else
    m.gauge.value = static_cast<double>(value);
  return m;
}

void add(std::vector<MetricFamily>& out, const char* name, MetricType type, const char* help,
         int64_t value) {
  out.push_back({name, help, type, {sample(type, value)}});
}

void add_admission(std::vector<MetricFamily>& out, const admission_figures& a) {
  add(out, "kagent_jobs_accepted_total", MetricType::Counter, "Jobs accepted since start.",
      a.accepted);
  add(out, "kagent_jobs_rejected_total", MetricType::Counter,
      "Submissions rejected (429) since start.", a.rejected);
  add(out, "kagent_jobs_queued", MetricType::Gauge, "Jobs waiting for a slot.", a.queued);
  add(out, "kagent_jobs_running", MetricType::Gauge, "Jobs running.", a.running);
  add(out, "kagent_jobs_max_running", MetricType::Gauge, "Launcher slots.", a.max_running);
  out.push_back({"kagent_jobs", "Jobs of this server not yet finished, by status.",
                 MetricType::Gauge,
                 {sample(MetricType::Gauge, a.queued, {{"status", "queued"}}),
                  sample(MetricType::Gauge, a.running, {{"status", "running"}})}});
}

void add_cluster(std::vector<MetricFamily>& out, const cluster_figures& c) {
  add(out, "kagent_cluster_slots", MetricType::Gauge, "Slots of the nodes that are up.", c.slots);
  add(out, "kagent_cluster_busy_slots", MetricType::Gauge, "Slots running a stage attempt.",
      c.busy);
  add(out, "kagent_cluster_waiting_attempts", MetricType::Gauge,
      "Stage attempts waiting for a slot.", c.waiting);
  add(out, "kagent_cluster_nodes_lost_total", MetricType::Counter, "Nodes lost since start.",
      c.lost_nodes);
  struct per_node {
    const char* name;
    MetricType type;
    const char* help;
    int64_t (*value)(const node_figures&);
  };
  const per_node families[] = {
    {"kagent_node_up", MetricType::Gauge, "1 while the node is joined, 0 once lost.",
     [](const node_figures& n) -> int64_t { return n.up; }},
    {"kagent_node_slots", MetricType::Gauge, "Stage slots of the node.",
     [](const node_figures& n) { return n.slots; }},
    {"kagent_node_busy_slots", MetricType::Gauge, "Slots of the node running a stage.",
     [](const node_figures& n) { return n.busy; }},
    {"kagent_node_stages_total", MetricType::Counter, "Stage attempts that ended on the node.",
     [](const node_figures& n) { return n.stages_run; }},
    {"kagent_node_stages_lost_total", MetricType::Counter,
     "Attempts failed because the node was lost.",
     [](const node_figures& n) { return n.stages_lost; }},
    {"kagent_node_last_heartbeat_seconds", MetricType::Gauge,
     "When the node was last heard from (seconds since the epoch).",
     [](const node_figures& n) { return n.last_heartbeat_s; }},
  };
  for (auto& f : families) {
    MetricFamily fam{f.name, f.help, f.type, {}};
    for (auto& n : c.nodes)
      fam.metric.push_back(sample(f.type, f.value(n), {{"node", n.name}}));
    out.push_back(std::move(fam));
  }
}

} // namespace

std::vector<MetricFamily> state_families(const state_view& v) {
  std::vector<MetricFamily> out;
  if (v.admission)
    add_admission(out, *v.admission);
  add(out, "kagent_http_in_flight", MetricType::Gauge, "HTTP calls waiting on actors.",
      v.http_in_flight);
  add(out, "kagent_http_sessions", MetricType::Gauge, "Open HTTP connections.", v.http_sessions);
  add(out, "kagent_ws_sessions", MetricType::Gauge, "Open WebSocket connections.",
      v.ws_sessions);
  if (v.hub) {
    add(out, "kagent_ws_subscribers", MetricType::Gauge, "Progress hub subscriptions.",
        v.hub->subscribers);
    add(out, "kagent_hub_jobs", MetricType::Gauge, "Jobs the progress hub holds events of.",
        v.hub->jobs);
  }
  if (v.cluster)
    add_cluster(out, *v.cluster);
  return out;
}

} // namespace kagent::metrics
