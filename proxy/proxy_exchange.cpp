#include "proxy/proxy_exchange.hpp"

#include <optional>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace kagent::proxy {

namespace {

std::string reason_of(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 529: return "Site Overloaded";
    default: return "Status";
  }
}

const std::string* header(const incoming& r, const char* name) {
  auto i = r.headers.find(name);
  return i == r.headers.end() ? nullptr : &i->second;
}

} // namespace

std::optional<outgoing> refusal(const incoming& req, llm_dialect d, size_t max_body) {
  if (req.target != llm_endpoint_path(d))
    return proxy_error(d, 404, "not_found_error",
                       "kagent proxy: only POST " + llm_endpoint_path(d) + " is forwarded");
  if (req.method != "POST")
    return proxy_error(d, 405, "invalid_request_error", "kagent proxy: only POST is forwarded");
  if (req.body.size() > max_body)
    return proxy_error(d, 413, "request_too_large", "kagent proxy: request body too large");
  return std::nullopt;
}

std::vector<std::string> upstream_headers(const incoming& req, llm_dialect d,
                                          const std::string& key) {
  std::vector<std::string> out = {"Content-Type: application/json", "Accept: application/json",
                                  "User-Agent: kagentd-llm-proxy/0.1", "Expect:"};
  if (d == llm_dialect::anthropic) {
    auto v = header(req, "anthropic-version");
    // Only a well-formed version date passes; anything else is ours.
    bool ok = v && v->size() == 10 && v->find_first_not_of("0123456789-") == std::string::npos;
    out.push_back(std::string{"anthropic-version: "} + (ok ? *v : anthropic_version));
    if (!key.empty())
      out.push_back("x-api-key: " + key);
  } else if (!key.empty()) {
    out.push_back("Authorization: Bearer " + key);
  }
  return out;
}

std::map<std::string, std::string> returned_headers(const std::map<std::string, std::string>& up) {
  std::map<std::string, std::string> out;
  for (const char* name : {"content-type", "retry-after", "retry-after-ms", "x-should-retry",
                           "request-id", "x-request-id"})
    if (auto i = up.find(name); i != up.end())
      out[name] = i->second;
  return out;
}

outgoing proxy_error(llm_dialect d, int status, const std::string& type,
                     const std::string& message) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  if (d == llm_dialect::anthropic) {
    w.Key("type");
    w.String("error");
  }
  w.Key("error");
  w.StartObject();
  w.Key("type");
  w.String(type.c_str());
  w.Key("message");
  w.String(message.c_str());
  w.EndObject();
  w.EndObject();
  outgoing res;
  res.status = status;
  res.headers["content-type"] = "application/json";
  res.body = sb.GetString();
  return res;
}

std::string render(const outgoing& res) {
  std::string out = "HTTP/1.1 " + std::to_string(res.status) + " " + reason_of(res.status) + "\r\n";
  for (auto& [k, v] : res.headers)
    if (v.find_first_of("\r\n") == std::string::npos)
      out += k + ": " + v + "\r\n";
  out += "content-length: " + std::to_string(res.body.size()) + "\r\nconnection: close\r\n\r\n";
  out += res.body;
  return out;
}

} // namespace kagent::proxy
