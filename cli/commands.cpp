#include "cli/commands.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <ostream>
#include <thread>

#include "cli/exit_code.hpp"
#include "cli/follow.hpp"
#include "cli/format.hpp"
#include "cli/http_client.hpp"
#include "core/json_parse.hpp"

namespace kagent::cli {

namespace {

constexpr long download_timeout_ms = 300000;

// The exit code and message for an answer that is not the expected one.
int report(const http_result& r, const options& o, console& c, http_client& http) {
  auto name = "kagent " + command_name(o.cmd) + ": ";
  if (!r.error.empty()) {
    c.err << name << "cannot reach server " << http.display_base() << ": " << r.error << "\n";
    return exit_unreachable;
  }
  auto detail = detail_of(r.body);
  if (r.status == 404) {
    c.err << name << (detail.empty() ? "not found" : detail) << " (" << o.target << ")\n";
    return exit_not_found;
  }
  if (r.status == 401) {
    c.err << name << (detail.empty() ? "API key refused" : detail)
          << " (give it with --api-key or KAGENT_API_KEY)\n";
    return exit_usage;
  }
  c.err << name << "server answered HTTP " << r.status << (detail.empty() ? "" : ": " + detail)
        << "\n";
  return exit_unreachable;
}

std::string string_field(const std::string& body, const char* key) {
  rapidjson::Document doc;
  if (parse_json(doc, body).HasParseError() || !doc.IsObject())
    return {};
  auto it = doc.FindMember(key);
  return it != doc.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

int follow(const options& o, console& c, http_client& http, const std::string& id, bool logs) {
  auto sink = logs    ? make_log_sink(c.out, c.err)
              : c.tty ? make_bar_sink(c.out, c.width)
                      : make_plain_sink(c.out, c.err);
  return follow_job(follow_target{o.server, c.api_key, id, 6, 250}, http, *sink, c.err);
}

int submit(const options& o, console& c, http_client& http) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("kaggle_url");
  w.String(o.target.c_str(), static_cast<rapidjson::SizeType>(o.target.size()));
  if (o.time_budget_s > 0) {
    w.Key("time_budget_seconds");
    w.Int(o.time_budget_s);
  }
  w.EndObject();
  auto r = http.post_json("/run", buf.GetString());
  if (r.error.empty() && (r.status == 400 || r.status == 422)) {
    c.err << "kagent submit: " << detail_of(r.body) << "\n";
    return exit_usage;
  }
  if (r.error.empty() && r.status == 429) {
    c.err << "kagent submit: the server is full: " << detail_of(r.body) << "; try again later\n";
    return exit_unreachable;
  }
  if (!r.ok())
    return report(r, o, c, http);
  auto id = string_field(r.body, "job_id");
  if (id.empty()) {
    c.err << "kagent submit: the server's answer has no job_id\n";
    return exit_unreachable;
  }
  c.out << id << std::endl;
  return o.follow ? follow(o, c, http, id, false) : exit_ok;
}

int status(const options& o, console& c, http_client& http) {
  auto r = http.get("/status/" + escape_segment(o.target));
  if (!r.ok())
    return report(r, o, c, http);
  if (o.json) {
    c.out << r.body << (r.body.empty() || r.body.back() != '\n' ? "\n" : "");
    return exit_ok;
  }
  auto text = format_status(r.body);
  if (text.empty()) {
    c.err << "kagent status: cannot read the server's answer\n";
    return exit_unreachable;
  }
  c.out << text;
  return exit_ok;
}

int logs(const options& o, console& c, http_client& http) {
  if (o.follow)
    return follow(o, c, http, o.target, true);
  auto r = http.get("/logs/" + escape_segment(o.target));
  if (!r.ok())
    return report(r, o, c, http);
  auto text = string_field(r.body, "logs");
  c.out << text << (text.empty() || text.back() != '\n' ? "\n" : "");
  return exit_ok;
}

int result(const options& o, console& c, http_client& http) {
  std::string file = o.code ? "solution.py" : "submission.csv";
  auto r = http.get("/result/" + escape_segment(o.target) + "/" + file, download_timeout_ms);
  if (r.error.empty() && r.status == 400) {
    c.err << "kagent result: " << detail_of(r.body) << "\n";
    return exit_job_failed;
  }
  if (!r.ok())
    return report(r, o, c, http);
  auto path = o.output.empty() ? "./" + file : o.output;
  if (path == "-") {
    c.out << r.body << std::flush;
    return exit_ok;
  }
  // Write next to the target, then rename: an interrupted download never
  // leaves a half file under the final name.
  auto tmp = path + ".part";
  auto* f = std::fopen(tmp.c_str(), "wb");
  bool ok = f && std::fwrite(r.body.data(), 1, r.body.size(), f) == r.body.size();
  ok = f && std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    c.err << "kagent result: cannot write " << path << "\n";
    return exit_unreachable;
  }
  c.out << "saved " << path << " (" << r.body.size() << " bytes)\n";
  return exit_ok;
}

int cancel(const options& o, console& c, http_client& http) {
  http_result r;
  for (int attempt = 0; attempt < 10; ++attempt) {
    r = http.del("/jobs/" + escape_segment(o.target));
    // A job that is just starting asks to be asked again.
    if (!(r.error.empty() && r.status == 409
          && detail_of(r.body).find("retry") != std::string::npos))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds{300});
  }
  if (r.error.empty() && r.status == 409) {
    c.err << "kagent cancel: " << detail_of(r.body) << "\n";
    return exit_job_failed;
  }
  if (!r.ok())
    return report(r, o, c, http);
  auto st = string_field(r.body, "status");
  c.out << (st.empty() ? "cancelled" : st) << "\n";
  return exit_ok;
}

int jobs(const options& o, console& c, http_client& http) {
  std::string q;
  if (!o.status_filter.empty())
    q += "status_filter=" + escape_query(o.status_filter);
  if (o.limit > 0)
    q += (q.empty() ? "" : "&") + std::string{"limit="} + std::to_string(o.limit);
  auto r = http.get("/jobs" + (q.empty() ? "" : "?" + q));
  if (!r.ok())
    return report(r, o, c, http);
  auto text = format_jobs(r.body);
  if (text.empty()) {
    c.err << "kagent jobs: cannot read the server's answer\n";
    return exit_unreachable;
  }
  c.out << text;
  return exit_ok;
}

} // namespace

int run_command(const options& o, console& c) {
  http_client http{o.server, c.api_key};
  switch (o.cmd) {
  case command::submit:
    return submit(o, c, http);
  case command::status:
    return status(o, c, http);
  case command::logs:
    return logs(o, c, http);
  case command::result:
    return result(o, c, http);
  case command::cancel:
    return cancel(o, c, http);
  case command::jobs:
    return jobs(o, c, http);
  case command::none:
    break;
  }
  c.err << help_text(command::none);
  return exit_usage;
}

} // namespace kagent::cli
