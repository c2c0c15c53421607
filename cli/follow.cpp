#include "cli/follow.hpp"

#include <rapidjson/document.h>

#include <ostream>
#include <thread>

#include "cli/exit_code.hpp"
#include "cli/stream_cursor.hpp"
#include "cli/ws_client.hpp"
#include "core/json_parse.hpp"

namespace kagent::cli {

namespace {

constexpr int slow_consumer_close = 4000;

// GET /status/{id}: the status word, "" when the job runs on, or an exit code.
struct status_probe {
  std::string status;
  int exit = -1; ///< >= 0 when the probe itself failed
};

status_probe probe_status(http_client& http, const std::string& id, std::ostream& err) {
  status_probe p;
  auto r = http.get("/status/" + escape_segment(id));
  if (!r.error.empty()) {
    err << "kagent: cannot reach server " << http.display_base() << ": " << r.error << "\n";
    p.exit = exit_unreachable;
  } else if (r.status == 404) {
    err << "kagent: job " << id << " not found\n";
    p.exit = exit_not_found;
  } else if (!r.ok()) {
    err << "kagent: server answered HTTP " << r.status << ": " << detail_of(r.body) << "\n";
    p.exit = exit_unreachable;
  } else {
    rapidjson::Document doc;
    if (!parse_json(doc, r.body).HasParseError() && doc.IsObject()
        && doc.HasMember("status") && doc["status"].IsString())
      p.status = doc["status"].GetString();
  }
  return p;
}

} // namespace

int follow_job(const follow_target& t, http_client& http, follow_sink& sink, std::ostream& err) {
  auto ep = split_base_url(t.base);
  if (!ep.error.empty()) {
    err << "kagent: " << ep.error << "\n";
    return exit_usage;
  }
  stream_cursor cursor;
  reconnect_policy policy{t.max_tries, t.backoff_ms};
  std::string end_status;
  bool ended = false;
  bool ever_connected = false;
  text_handler on_text = [&](const std::string& text) {
    auto m = parse_ws_message(text);
    if (m.type == message_type::event) {
      if (cursor.accept(m.event.seq))
        sink.on_event(m.event);
    } else if (m.type == message_type::end) {
      end_status = m.status;
      ended = true;
      return false;
    }
    return true; // other messages are for newer clients; ignore them
  };
  for (;;) {
    auto target =
        "/ws/jobs/" + escape_segment(t.job_id) + "?since=" + std::to_string(cursor.since());
    auto seen_before = cursor.since();
    auto out = ws_read_all(ep, target, t.api_key, on_text);
    if (ended) {
      sink.finish(end_status);
      return exit_code_for_status(end_status);
    }
    // Only a connection that delivered something resets the backoff, so a
    // server that accepts and drops at once is given up on all the same.
    ever_connected = ever_connected || out.connected;
    if (out.connected && (cursor.since() > seen_before || out.close_code == slow_consumer_close))
      policy.on_connected();
    std::string why;
    switch (out.kind) {
    case ws_outcome::declined:
      if (out.http_status == 404) {
        auto p = probe_status(http, t.job_id, err);
        if (p.exit >= 0)
          return p.exit;
        err << "kagent: the server at " << http.display_base()
            << " does not offer live events (GET /ws/jobs/{id} answered 404)\n";
        return exit_unreachable;
      }
      if (out.http_status < 500) {
        err << "kagent: the server refused the event stream: HTTP " << out.http_status << ": "
            << detail_of(out.error) << "\n";
        return exit_unreachable;
      }
      why = "HTTP " + std::to_string(out.http_status);
      break;
    case ws_outcome::closed:
      if (out.close_code != slow_consumer_close) {
        // A close without the end message: ask whether the job is over.
        auto p = probe_status(http, t.job_id, err);
        if (p.exit >= 0)
          return p.exit;
        if (is_terminal_status(p.status)) {
          sink.finish(p.status);
          return exit_code_for_status(p.status);
        }
      }
      why = "closed (" + std::to_string(out.close_code)
            + (out.reason.empty() ? "" : ": " + out.reason) + ")";
      break;
    case ws_outcome::failed:
      if (!ever_connected) {
        // Never connected: tell "server down" and "no such job" apart at
        // once instead of retrying for seconds.
        auto p = probe_status(http, t.job_id, err);
        if (p.exit >= 0)
          return p.exit;
      }
      why = out.error;
      break;
    case ws_outcome::stopped:
      why = "stopped";
      break;
    }
    auto delay = policy.next_delay();
    if (!delay) {
      err << "kagent: lost the event stream of job " << t.job_id << " from " << http.display_base()
          << " (" << why << ") after " << policy.failures() << " tries; 'kagent status " << t.job_id
          << "' shows where it is\n";
      return exit_unreachable;
    }
    sink.notice("connection " + why + "; reconnecting from event "
                + std::to_string(cursor.since()));
    std::this_thread::sleep_for(*delay);
  }
}

} // namespace kagent::cli
