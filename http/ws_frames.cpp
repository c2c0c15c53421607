#include "http/ws_frames.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/clock.hpp"
#include "http/json_writer.hpp"
#include "http/json_views.hpp"

namespace kagent::http {

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

const std::string& shared_event_frame(const job_event& ev) {
  struct memo {
    job_event ev;
    std::string frame;
  };
  thread_local memo last;
  const auto& m = last.ev;
  // Compared field by field: a respawned job may reuse a seq with other text.
  if (m.seq != ev.seq || m.time != ev.time || m.progress != ev.progress || m.job_id != ev.job_id
      || m.message != ev.message || m.kind != ev.kind || m.stage != ev.stage || last.frame.empty()) {
    last.ev = ev;
    last.frame = event_frame(ev);
  }
  return last.frame;
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

} // namespace kagent::http
