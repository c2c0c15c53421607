#include "http/json_views.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/clock.hpp"
#include "http/json_writer.hpp"
#include "core/json_parse.hpp"

namespace kagent::http {

namespace {

void put_time(writer& w, const char* key, int64_t ms) {
  w.Key(key);
  if (ms == 0) {
    w.Null();
    return;
  }
  auto s = iso8601(ms);
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

void put_raw(writer& w, const char* key, const std::string& json) {
  w.Key(key);
  w.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
}

void write_status(writer& w, const job_record& job) {
  w.StartObject();
  put(w, "job_id", job.id);
  put(w, "kaggle_url", job.url);
  put(w, "competition_name", job.competition);
  put(w, "status", job.status);
  put_time(w, "created_at", job.created_at);
  put_time(w, "started_at", job.started_at);
  put_time(w, "completed_at", job.completed_at);
  put(w, "progress", progress_line(job));
  w.Key("error_message");
  if (job.error.empty())
    w.Null();
  else
    w.String(job.error.c_str(), static_cast<rapidjson::SizeType>(job.error.size()));
  put_raw(w, "metadata", metadata_json(job));
  w.EndObject();
}

std::string with_error(const char* what, const std::string& error) {
  return error.empty() ? what : std::string{what} + ": " + error;
}

} // namespace

std::string progress_line(const job_record& job) {
  if (job.status == status::queued)
    return "Queued";
  if (job.status == status::running) {
    switch (stage_number(job.stage)) {
      case 1: return "Analyzing competition (stage 1/4)";
      case 2: return "Planning strategy (stage 2/4)";
      case 3: return "Generating solution code (stage 3/4)";
      case 4: return "Training model (stage 4/4)";
      default: return "Starting";
    }
  }
  if (job.status == status::success)
    return "Completed";
  if (job.status == status::failed)
    return with_error("Failed", job.error);
  if (job.status == status::timeout)
    return with_error("Timed out", job.error);
  if (job.status == status::cancelled)
    return with_error("Cancelled", job.error);
  return job.status;
}

std::string metadata_json(const job_record& job) {
  rapidjson::Document doc;
  if (job.metadata.empty()
      || parse_json(doc, job.metadata).HasParseError()
      || !doc.IsObject())
    doc.SetObject();
  auto& alloc = doc.GetAllocator();
  auto set = [&](const char* key, rapidjson::Value value) {
    doc.RemoveMember(key);
    doc.AddMember(rapidjson::StringRef(key), value, alloc);
  };
  if (!doc.HasMember("progress"))
    set("progress", rapidjson::Value{progress_line(job).c_str(), alloc});
  if (job.stage.empty())
    set("stage", rapidjson::Value{});
  else
    set("stage", rapidjson::Value{job.stage.c_str(), alloc});
  set("attempt", rapidjson::Value{job.attempt});
  rapidjson::StringBuffer buf;
  writer w{buf};
  doc.Accept(w);
  return buf.GetString();
}

std::string status_json(const job_record& job) {
  rapidjson::StringBuffer buf;
  writer w{buf};
  write_status(w, job);
  return buf.GetString();
}

std::string created_json(const job_record& job) {
  rapidjson::StringBuffer buf;
  writer w{buf};
  w.StartObject();
  put(w, "job_id", job.id);
  put(w, "status", job.status);
  put_time(w, "created_at", job.created_at);
  put(w, "message", "Job queued for competition " + job.competition);
  w.EndObject();
  return buf.GetString();
}

std::string list_json(const job_list& list) {
  rapidjson::StringBuffer buf;
  writer w{buf};
  w.StartObject();
  w.Key("total");
  w.Int64(list.total);
  w.Key("count");
  w.Uint64(list.jobs.size());
  w.Key("jobs");
  w.StartArray();
  for (auto& job : list.jobs)
    write_status(w, job);
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

std::string logs_text(const std::vector<job_event>& events) {
  if (events.empty())
    return "No logs available yet";
  std::string out;
  for (auto& ev : events) {
    if (!out.empty())
      out += '\n';
    out += iso8601(ev.time) + " [" + (ev.stage.empty() ? "-" : ev.stage) + "] " + ev.kind
           + ": " + ev.message;
  }
  return out;
}

std::string logs_json(const std::string& job_id, const std::vector<job_event>& events) {
  rapidjson::StringBuffer buf;
  writer w{buf};
  w.StartObject();
  put(w, "job_id", job_id);
  put(w, "logs", logs_text(events));
  w.EndObject();
  return buf.GetString();
}

std::string cluster_json(const cluster::cluster_view& v) {
  rapidjson::StringBuffer buf;
  writer w{buf};
  w.StartObject();
  put(w, "head", v.head);
  w.Key("slots");
  w.Int64(v.slots);
  w.Key("busy");
  w.Int64(v.busy);
  w.Key("waiting_attempts");
  w.Int64(v.waiting);
  w.Key("nodes_lost");
  w.Int64(v.lost_nodes);
  w.Key("nodes");
  w.StartArray();
  for (auto& n : v.nodes) {
    w.StartObject();
    put(w, "name", n.name);
    put(w, "address", n.address);
    put(w, "node_id", n.node_id);
    put(w, "state", n.state);
    w.Key("slots");
    w.Int(n.slots);
    w.Key("busy");
    w.Int(n.busy);
    put(w, "sandbox", n.sandbox);
    put(w, "version", n.version);
    put_time(w, "joined_at", n.joined_at);
    put_time(w, "last_heartbeat", n.last_heartbeat);
    w.Key("stages_run");
    w.Int64(n.stages_run);
    w.Key("stages_lost");
    w.Int64(n.stages_lost);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

bool is_healthy(const health_view& h) {
  return h.database_ok && h.admission_ok && !h.stats.draining && h.writes.outage_since == 0;
}

std::string health_json(const health_view& h) {
  rapidjson::StringBuffer buf;
  writer w{buf};
  w.StartObject();
  put(w, "status", is_healthy(h) ? "healthy" : h.stats.draining ? "draining" : "unhealthy");
  put(w, "timestamp", iso8601(h.now_ms));
  w.Key("services");
  w.StartObject();
  put(w, "api", h.admission_ok ? "ok" : "error: admission not answering");
  put(w, "database", h.database_ok ? "ok" : "error: " + h.database_detail);
  put(w, "persistence", !h.persistence_ok             ? "unknown: not answering"
                        : h.writes.outage_since != 0 ? "holding writes until the database is back"
                                                     : "ok");
  put(w, "sandbox", h.sandbox_mode);
  put(w, "auth", h.keys.required ? "api keys (" + std::to_string(h.keys.live_keys) + " live)"
                                 : "off: no API keys, loopback only, every client sees every job");
  put(w, "sandbox_limits", h.sandbox_limits);
  w.EndObject();
  w.Key("queue_length");
  w.Int64(h.stats.queued);
  // A restart reads its unfinished jobs back in the background (issue 13).
  if (h.stats.resume_total > 0) {
    w.Key("resuming");
    w.StartObject();
    w.Key("loaded");
    w.Int64(h.stats.resume_loaded);
    w.Key("total");
    w.Int64(h.stats.resume_total);
    w.Key("done");
    w.Bool(h.stats.resume_done);
    w.EndObject();
  }
  w.Key("running");
  w.Int64(h.stats.running);
  // Writes waiting for the database (issue 9): every one of them is a job
  // that would otherwise be stranded.
  w.Key("write_backlog");
  w.StartObject();
  w.Key("writes");
  w.Int64(h.writes.backlog_writes);
  w.Key("bytes");
  w.Int64(h.writes.backlog_bytes);
  w.Key("since");
  if (h.writes.outage_since != 0)
    w.String(iso8601(h.writes.outage_since).c_str());
  else
    w.Null();
  w.Key("refused");
  w.Int64(h.writes.refused);
  w.EndObject();
  w.Key("capacity");
  w.StartObject();
  w.Key("max_queued");
  w.Int64(h.stats.max_queued);
  w.Key("max_running");
  w.Int64(h.stats.max_running);
  w.EndObject();
  w.EndObject();
  return buf.GetString();
}

} // namespace kagent::http
