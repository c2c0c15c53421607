#include "http/router.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "core/job.hpp"
#include "core/sha256.hpp"
#include "core/uuid.hpp"
#include "http/dashboard.hpp"
#include "http/openapi.hpp"
#include "http/routes.hpp"
#include "http/url.hpp"
#include "core/json_parse.hpp"

namespace kagent::http {

namespace {

namespace bhttp = boost::beast::http;

route_result reply(response res) {
  route_result out;
  out.immediate = std::move(res);
  return out;
}

route_result reply(unsigned status, const std::string& detail) {
  return reply(error_response(status, detail));
}

route_result call(api_call c) {
  route_result out;
  out.call = std::move(c);
  return out;
}

route_result not_found() {
  return reply(404, "Not Found");
}

route_result method_not_allowed(const std::string& allow) {
  auto res = error_response(405, "Method Not Allowed");
  res.set(bhttp::field::allow, allow);
  return reply(std::move(res));
}

// "application/json", optionally with parameters such as "; charset=utf-8".
bool is_json_media_type(const std::string& content_type) {
  auto media = trim(content_type.substr(0, content_type.find(';')));
  return to_lower(media) == "application/json";
}

// A job id from a path: only UUIDs reach the actors (the database never sees
// "../x" or "%2e%2e"); stored ids are lowercase.
route_result job_call(api_kind kind, const std::string& id) {
  if (!is_uuid(id))
    return reply(job_not_found());
  api_call c;
  c.kind = kind;
  c.job_id = to_lower(id);
  return call(std::move(c));
}

std::string quoted_name(const std::string& name) {
  constexpr size_t max_len = 64;
  return "'" + (name.size() > max_len ? name.substr(0, max_len) + "..." : name) + "'";
}

// The JSON body of POST /run: {"kaggle_url": "<string>"} and optionally
// "time_budget_seconds": <positive integer> (admission checks the range).
route_result run_body(const std::string& body, api_call& c) {
  rapidjson::Document doc;
  constexpr unsigned flags = rapidjson::kParseIterativeFlag
                             | rapidjson::kParseValidateEncodingFlag;
  doc.Parse<flags>(body.data(), body.size());
  if (doc.HasParseError())
    return reply(422, std::string{"Malformed JSON body: "}
                        + rapidjson::GetParseError_En(doc.GetParseError()) + " (at offset "
                        + std::to_string(doc.GetErrorOffset()) + ")");
  if (!doc.IsObject())
    return reply(422, "Request body must be a JSON object with the field kaggle_url");
  const rapidjson::Value* url = nullptr;
  const rapidjson::Value* budget = nullptr;
  for (auto& m : doc.GetObject()) {
    std::string name{m.name.GetString(), m.name.GetStringLength()};
    auto* slot = name == "kaggle_url" ? &url : name == "time_budget_seconds" ? &budget : nullptr;
    if (slot == nullptr)
      return reply(422, "Unexpected field " + quoted_name(name)
                          + "; the body may only contain kaggle_url and time_budget_seconds");
    if (*slot != nullptr)
      return reply(422, "Field '" + name + "' is given more than once");
    *slot = &m.value;
  }
  if (url == nullptr)
    return reply(422, "Missing field 'kaggle_url'");
  if (!url->IsString())
    return reply(422, "Field 'kaggle_url' must be a string");
  c.url = trim(std::string{url->GetString(), url->GetStringLength()});
  if (budget != nullptr) {
    if (!budget->IsInt() || budget->GetInt() < 1)
      return reply(422, "Field 'time_budget_seconds' must be a positive integer");
    c.time_budget_s = budget->GetInt();
  }
  return {};
}

route_result route_run(const request& req, const target& t) {
  auto query_url = t.query.find("url");
  api_call c;
  c.kind = api_kind::submit;
  if (!req.body().empty()) {
    if (!is_json_media_type(std::string{req[bhttp::field::content_type]}))
      return reply(415, "Content-Type must be application/json");
    if (query_url != t.query.end())
      return reply(422, "Give the URL either as a JSON body or as ?url=, not both");
    if (auto bad = run_body(req.body(), c); bad.immediate)
      return bad;
  } else if (query_url != t.query.end()) {
    // A body-less POST is a CORS "simple request" any web page can send to a
    // local kagentd; only a header that needs a preflight makes it ours.
    if (!is_json_media_type(std::string{req[bhttp::field::content_type]})
        && req[bhttp::field::authorization].empty())
      return reply(415, "POST /run?url= needs Content-Type: application/json or an "
                        "Authorization header");
    c.url = trim(query_url->second);
  } else {
    return reply(422, "Missing field 'kaggle_url' (JSON body) or query parameter 'url'");
  }
  auto idem = trim(std::string{req["Idempotency-Key"]});
  if (idem.size() > 255)
    return reply(422, "Idempotency-Key is longer than 255 characters");
  c.idempotency_key = idem;
  c.request_hash = sha256_hex(c.url + '\n' + std::to_string(c.time_budget_s));
  return call(std::move(c));
}

bool host_allowed(const request& req, const router_limits& limits) {
  auto host = to_lower(trim(std::string{req[bhttp::field::host]}));
  for (auto& h : limits.allowed_hosts)
    if (h == "*" || h == host)
      return true;
  return false;
}

// The CORS preflight of the configured origin; anything else is 405 as before.
route_result preflight(const request& req, const router_limits& limits) {
  auto origin = std::string{req[bhttp::field::origin]};
  if (limits.cors_origin.empty() || origin != limits.cors_origin)
    return method_not_allowed("GET, POST, DELETE");
  auto res = make_response(204, "", "text/plain");
  res.set(bhttp::field::access_control_allow_origin, origin);
  res.set(bhttp::field::access_control_allow_methods, "GET, POST, DELETE");
  res.set(bhttp::field::access_control_allow_headers,
          "Authorization, Content-Type, Idempotency-Key");
  res.set(bhttp::field::access_control_max_age, "600");
  res.set(bhttp::field::vary, "Origin");
  return reply(std::move(res));
}

std::string valid_statuses() {
  std::string out;
  for (auto& s : all_statuses())
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

route_result route_list(const target& t) {
  api_call c;
  c.kind = api_kind::list;
  if (auto i = t.query.find("status_filter"); i != t.query.end() && !i->second.empty()) {
    auto& xs = all_statuses();
    if (std::find(xs.begin(), xs.end(), i->second) == xs.end())
      return reply(422, "status_filter must be one of: " + valid_statuses());
    c.status_filter = i->second;
  }
  if (auto i = t.query.find("limit"); i != t.query.end()) {
    auto& s = i->second;
    bool digits = !s.empty() && s.size() <= 4
                  && std::all_of(s.begin(), s.end(),
                                 [](char ch) { return ch >= '0' && ch <= '9'; });
    auto n = digits ? std::stoi(s) : 0;
    if (n < 1 || n > 1000)
      return reply(422, "limit must be an integer between 1 and 1000");
    c.limit = n;
  }
  return call(std::move(c));
}

// GET /ws/jobs/{id}?since=<seq>: since is a non-negative integer.
route_result route_ws_job(const std::string& id, const target& t) {
  auto r = job_call(api_kind::ws_job, id);
  if (r.immediate || !t.query_ok)
    return t.query_ok ? r : reply(422, "Malformed query string");
  if (auto i = t.query.find("since"); i != t.query.end()) {
    auto& s = i->second;
    bool digits = !s.empty() && s.size() <= 18
                  && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!digits)
      return reply(422, "since must be a non-negative integer");
    r.call.since = std::stoll(s);
  }
  return r;
}

// POST /jobs/{id}/submit, body empty or {"message": "<string>"}.
route_result route_kaggle_submit(const request& req, const std::string& id) {
  auto r = job_call(api_kind::kaggle_submit, id);
  if (r.immediate)
    return r;
  bool json = is_json_media_type(std::string{req[bhttp::field::content_type]});
  if (req.body().empty()) {
    // As POST /run?url=: a body-less POST is a simple request any web page
    // can send; only a header that needs a preflight makes it ours.
    if (!json && req[bhttp::field::authorization].empty())
      return reply(415, "POST /jobs/{id}/submit needs Content-Type: application/json or an "
                        "Authorization header");
    return r;
  }
  if (!json)
    return reply(415, "Content-Type must be application/json");
  rapidjson::Document doc;
  parse_json(doc, req.body());
  if (doc.HasParseError() || !doc.IsObject())
    return reply(422, "Request body must be a JSON object with the optional field message");
  for (auto& m : doc.GetObject()) {
    std::string name{m.name.GetString(), m.name.GetStringLength()};
    if (name != "message")
      return reply(422, "Unexpected field " + quoted_name(name) + "; the body may only contain message");
    if (!m.value.IsString() || m.value.GetStringLength() > 1000)
      return reply(422, "Field 'message' must be a string of at most 1000 characters");
    r.call.message = std::string{m.value.GetString(), m.value.GetStringLength()};
  }
  return r;
}

route_result simple(api_kind kind) {
  api_call c;
  c.kind = kind;
  return call(std::move(c));
}

// What a route of the table answers; `param` is its path parameter ({id}).
route_result answer(const route_entry& r, const std::string& param, const request& req,
                    const target& t) {
  switch (r.answer) {
    case route_answer::dashboard:
      return reply(make_response(200, dashboard_html(), "text/html; charset=utf-8"));
    case route_answer::openapi:
      return reply(make_response(200, openapi_json(), "application/json"));
    case route_answer::actors: break;
  }
  switch (r.kind) {
    case api_kind::submit:
      return t.query_ok ? route_run(req, t) : reply(422, "Malformed query string");
    case api_kind::list:
      return t.query_ok ? route_list(t) : reply(422, "Malformed query string");
    case api_kind::status:
    case api_kind::logs:
    case api_kind::cancel:
    case api_kind::submission: return job_call(r.kind, param);
    case api_kind::stage_file: {
      auto out = job_call(r.kind, param);
      out.call.file = t.segments.back();
      return out;
    }
    case api_kind::ws_job: return route_ws_job(param, t);
    case api_kind::kaggle_submit: return route_kaggle_submit(req, param);
    case api_kind::health:
    case api_kind::metrics:
    case api_kind::cluster:
    case api_kind::ws_jobs: return simple(r.kind);
  }
  return not_found();
}

} // namespace

std::vector<std::string> default_allowed_hosts(const std::string& bind_host, uint16_t port,
                                               const std::vector<std::string>& extra) {
  std::vector<std::string> names{"localhost", "127.0.0.1", "[::1]"};
  auto bind = to_lower(bind_host);
  if (bind.find(':') != std::string::npos && bind.front() != '[')
    bind = "[" + bind + "]";  // an IPv6 literal as Host spells it
  if (!bind.empty() && bind != "0.0.0.0" && bind != "[::]")
    names.push_back(bind);
  for (auto& e : extra)
    names.push_back(to_lower(trim(e)));
  std::vector<std::string> out;
  for (auto& n : names) {
    out.push_back(n);
    if (n != "*")
      out.push_back(n + ":" + std::to_string(port));
  }
  return out;
}

bool websocket_origin_ok(const std::string& origin, const std::string& host,
                         const router_limits& limits) {
  if (origin.empty())
    return true;  // not a browser
  auto o = to_lower(origin);
  auto h = to_lower(host);
  return o == "http://" + h || o == "https://" + h
         || (!limits.cors_origin.empty() && origin == limits.cors_origin);
}

route_result route(const request& req, const router_limits& limits) {
  // Before anything else: a page on another name (DNS rebinding) is refused.
  if (!limits.allowed_hosts.empty()) {
    if (req[bhttp::field::host].empty())
      return reply(400, "Missing Host header");
    if (!host_allowed(req, limits))
      return reply(421, "Misdirected request: this server does not answer to that Host");
  }
  if (req.method() == bhttp::verb::options)
    return preflight(req, limits);
  auto t = parse_target(std::string{req.target()});
  if (!t.path_ok)
    return not_found();
  if (req.body().size() > limits.max_body_bytes)
    return reply(413, "Request body too large (limit " + std::to_string(limits.max_body_bytes)
                        + " bytes)");
  // The table names every route; a path it knows with another method is 405.
  std::string allow;
  for (auto& r : routes()) {
    auto param = match_path(r.path, t.segments);
    if (!param)
      continue;
    if (r.method == req.method())
      return answer(r, *param, req, t);
    allow += (allow.empty() ? "" : ", ") + std::string{bhttp::to_string(r.method)};
  }
  if (!allow.empty())
    return method_not_allowed(allow);
  return not_found();
}

const char* to_string(api_kind x) {
  switch (x) {
    case api_kind::submit: return "submit";
    case api_kind::status: return "status";
    case api_kind::submission: return "submission";
    case api_kind::stage_file: return "stage_file";
    case api_kind::logs: return "logs";
    case api_kind::list: return "list";
    case api_kind::health: return "health";
    case api_kind::cancel: return "cancel";
    case api_kind::ws_job: return "ws_job";
    case api_kind::ws_jobs: return "ws_jobs";
    case api_kind::metrics: return "metrics";
    case api_kind::kaggle_submit: return "kaggle_submit";
    case api_kind::cluster: return "cluster";
  }
  return "unknown";
}

} // namespace kagent::http
