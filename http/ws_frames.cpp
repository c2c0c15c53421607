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
  return out;
}

} // namespace kagent::http
