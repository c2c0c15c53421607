#include "http/ws_frames.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/clock.hpp"
#include "http/json_writer.hpp"
#include "http/json_views.hpp"

namespace kagent::http {

namespace {

void metric(std::string& out, const char* name, const char* type, const char* help,
            int64_t value) {
  out += std::string{"# HELP "} + name + " " + help + "\n# TYPE " + name + " " + type + "\n"
         + name + " " + std::to_string(value) + "\n";
}

// Label values are node names (a worker's --node-name): escaped as the
// exposition format asks.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void cluster_metrics(std::string& out, const cluster::cluster_view& v) {
  metric(out, "kagent_cluster_slots", "gauge", "Slots of the nodes that are up.", v.slots);
  metric(out, "kagent_cluster_busy_slots", "gauge", "Slots running a stage attempt.", v.busy);
  metric(out, "kagent_cluster_waiting_attempts", "gauge", "Stage attempts waiting for a slot.",
         v.waiting);
  metric(out, "kagent_cluster_nodes_lost_total", "counter", "Nodes lost since start.",
         v.lost_nodes);
  struct family {
    const char* name;
    const char* type;
    const char* help;
    int64_t (*value)(const cluster::node_view&);
  };
  const family families[] = {
    {"kagent_node_up", "gauge", "1 while the node is joined, 0 once lost.",
     [](const cluster::node_view& n) -> int64_t { return n.state == "up"; }},
    {"kagent_node_slots", "gauge", "Stage slots of the node.",
     [](const cluster::node_view& n) -> int64_t { return n.slots; }},
    {"kagent_node_busy_slots", "gauge", "Slots of the node running a stage.",
     [](const cluster::node_view& n) -> int64_t { return n.busy; }},
    {"kagent_node_stages_total", "counter", "Stage attempts that ended on the node.",
     [](const cluster::node_view& n) -> int64_t { return n.stages_run; }},
    {"kagent_node_stages_lost_total", "counter", "Attempts failed because the node was lost.",
     [](const cluster::node_view& n) -> int64_t { return n.stages_lost; }},
    {"kagent_node_last_heartbeat_seconds", "gauge", "When the node was last heard from.",
     [](const cluster::node_view& n) -> int64_t { return n.last_heartbeat / 1000; }},
  };
  for (auto& f : families) {
    out += std::string{"# HELP "} + f.name + " " + f.help + "\n# TYPE " + f.name + " " + f.type
           + "\n";
    for (auto& n : v.nodes)
      out += std::string{f.name} + "{node=\"" + label(n.name) + "\"} "
             + std::to_string(f.value(n)) + "\n";
  }
}

} // namespace

std::string event_frame(const job_event& ev) {
  rapidjson::StringBuffer buf;
  writer w{buf};
  w.StartObject();
  put(w, "type", "event");
  put(w, "job_id", ev.job_id);
  w.Key("seq");
  w.Int64(ev.seq);
  put(w, "time", iso8601(ev.time));
  put(w, "stage", ev.stage);
  put(w, "kind", ev.kind);
  put(w, "message", ev.message);
  w.Key("progress");
  if (ev.progress >= 0)
    w.Double(ev.progress);
  else
    w.Null();
  w.EndObject();
  return buf.GetString();
}

std::string end_frame(const std::string& job_id, const std::string& status) {
  rapidjson::StringBuffer buf;
  writer w{buf};
  w.StartObject();
  put(w, "type", "end");
  put(w, "job_id", job_id);
  put(w, "status", status);
  w.EndObject();
  return buf.GetString();
}

std::string job_frame(const job_record& job) {
  return R"({"type":"job","job":)" + status_json(job) + "}";
}

std::string metrics_text(const metrics_view& m) {
  std::string out;
  if (m.admission_ok) {
    metric(out, "kagent_jobs_accepted_total", "counter", "Jobs accepted since start.",
           m.admission.accepted);
    metric(out, "kagent_jobs_rejected_total", "counter", "Submissions rejected (429) since start.",
           m.admission.rejected);
    metric(out, "kagent_jobs_queued", "gauge", "Jobs waiting for a slot.", m.admission.queued);
    metric(out, "kagent_jobs_running", "gauge", "Jobs running.", m.admission.running);
    metric(out, "kagent_jobs_max_running", "gauge", "Launcher slots.", m.admission.max_running);
  }
  metric(out, "kagent_http_in_flight", "gauge", "HTTP calls waiting on actors.",
         m.http_in_flight);
  metric(out, "kagent_http_sessions", "gauge", "Open HTTP connections.", m.http_sessions);
  metric(out, "kagent_ws_sessions", "gauge", "Open WebSocket connections.", m.ws_sessions);
  if (m.hub_ok) {
    metric(out, "kagent_ws_subscribers", "gauge", "Progress hub subscriptions.",
           m.hub.subscribers);
    metric(out, "kagent_hub_jobs", "gauge", "Jobs the progress hub holds events of.", m.hub.jobs);
  }
  if (m.cluster_ok)
    cluster_metrics(out, m.cluster);
  return out;
}

} // namespace kagent::http
