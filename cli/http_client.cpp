#include "cli/http_client.hpp"

#include <curl/curl.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <mutex>
#include "core/json_parse.hpp"

namespace kagent::cli {

namespace {

constexpr long connect_timeout_ms = 5000;
constexpr size_t max_body = 512u << 20; // a result file is bounded by the server anyway

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * n > max_body)
    return 0; // aborts the transfer with CURLE_WRITE_ERROR
  out->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  std::string line{data, size * n};
  static const std::string key = "content-type:";
  if (line.size() > key.size()) {
    std::string head = line.substr(0, key.size());
    for (auto& c : head)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (head == key) {
      auto v = line.substr(key.size());
      auto b = v.find_first_not_of(" \t");
      auto e = v.find_last_not_of(" \t\r\n");
      *static_cast<std::string*>(user) = b == std::string::npos ? "" : v.substr(b, e - b + 1);
    }
  }
  return size * n;
}

std::string escape(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

} // namespace

http_client::http_client(std::string base, std::string api_key)
    : base_(std::move(base)), api_key_(std::move(api_key)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
}

http_client::~http_client() {
  if (curl_)
    curl_easy_cleanup(static_cast<CURL*>(curl_));
}

http_result http_client::get(const std::string& path, long timeout_ms) {
  return perform("GET", path, nullptr, timeout_ms);
}

http_result http_client::post_json(const std::string& path, const std::string& json) {
  return perform("POST", path, &json, 30000);
}

http_result http_client::del(const std::string& path) {
  return perform("DELETE", path, nullptr, 30000);
}

std::string http_client::display_base() const {
  return redact_url(base_);
}

http_result http_client::perform(const char* method, const std::string& path,
                                 const std::string* body, long timeout_ms) {
  http_result r;
  auto* c = static_cast<CURL*>(curl_);
  if (!c) {
    r.error = "cannot initialise libcurl";
    return r;
  }
  curl_easy_reset(c);
  char errbuf[CURL_ERROR_SIZE] = {0};
  auto url = base_ + path;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "kagent-cli/0.1");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.content_type);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  if (std::string{method} == "GET")
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  struct curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Accept: application/json, */*");
  std::string auth;
  if (!api_key_.empty()) {
    auth = "Authorization: Bearer " + api_key_;
    headers = curl_slist_append(headers, auth.c_str());
  }
  if (body) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  auto rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    // libcurl's messages name the host, never the credentials or headers.
    r.error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    r.status = 0;
    return r;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  return r;
}

std::string escape_segment(const std::string& s) {
  return escape(s);
}

std::string escape_query(const std::string& s) {
  return escape(s);
}

std::string detail_of(const std::string& body) {
  rapidjson::Document doc;
  if (!parse_json(doc, body).HasParseError() && doc.IsObject()
      && doc.HasMember("detail")) {
    auto& d = doc["detail"];
    if (d.IsString())
      return d.GetString();
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w{buf};
    d.Accept(w);
    return buf.GetString();
  }
  auto line = body.substr(0, body.find('\n'));
  if (line.size() > 200)
    line = line.substr(0, 200) + "...";
  return line;
}

std::string redact_url(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos)
    return url;
  auto host_start = scheme + 3;
  auto host_end = url.find_first_of("/?#", host_start);
  auto at = url.rfind('@', host_end == std::string::npos ? url.size() : host_end);
  if (at == std::string::npos || at < host_start)
    return url;
  return url.substr(0, host_start) + "***@" + url.substr(at + 1);
}

} // namespace kagent::cli
