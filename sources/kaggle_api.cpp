#include "sources/kaggle_api.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <random>

#include <rapidjson/document.h>

#include "core/error.hpp"
#include "core/log.hpp"
#include "sources/curl_error.hpp"
#include "sources/kaggle_errors.hpp"
#include "core/json_parse.hpp"

namespace kagent::sources {

namespace {

double jitter() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// Path segments are slugs and file names we chose; only '%' and ' ' could
// break a URL, so they are the only ones escaped.
std::string query_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

} // namespace

basic_auth api_auth(const kaggle_endpoint& ep) {
  return {ep.credentials.username, ep.credentials.key};
}

caf::expected<std::string> call_api(const kaggle_endpoint& ep, http_request req,
                                    const std::string& slug, const std::atomic<bool>& abort) {
  auto log = get_logger("sources");
  req.auth = api_auth(ep);
  req.timeout_ms = ep.call_timeout_ms;
  req.headers.push_back("Accept: application/json");
  auto what = req.method + " " + req.url.substr(ep.api_url.size());
  for (int attempt = 0;; ++attempt) {
    auto res = perform(req, {}, abort);
    int64_t retry_after = -1;
    if (res.curl_code != 0) {
      if (!is_transient_curl_code(res.curl_code) || attempt >= ep.retry.retries)
        return curl_failure(res.curl_code, "Kaggle API " + what, res.curl_text);
    } else if (res.status >= 200 && res.status < 300) {
      if (auto m = kaggle_body_error(res.body); !m.empty())
        return make_error(errc::upstream_failed, "Kaggle API " + what + ": " + m);
      return std::move(res.body);
    } else if (is_retryable_status(res.status) && attempt < ep.retry.retries) {
      retry_after = parse_retry_after(res.header("retry-after"), std::time(nullptr));
    } else {
      return kaggle_refusal(res.status, res.reason, res.body, slug, ep.credentials.username);
    }
    auto delay = retry_delay_ms(ep.retry, attempt + 1, retry_after, jitter());
    log->warn("kaggle api retry call=\"{}\" status={} curl={} attempt={} delay_ms={}", what,
              res.status, res.curl_code, attempt + 1, delay);
    if (!wait_unless_aborted(abort, delay))
      return make_error(errc::cancelled, "Kaggle API " + what + ": stopped");
  }
}

caf::expected<std::optional<competition_info>>
find_competition(const kaggle_endpoint& ep, const std::string& slug, const std::atomic<bool>& abort) {
  http_request req;
  req.url = ep.api_url + "/competitions/list?search=" + query_escape(slug);
  auto body = call_api(ep, std::move(req), slug, abort);
  if (!body)
    return body.error();
  return find_competition_in_list(*body, slug);
}

caf::expected<std::vector<kaggle_data_file>> parse_data_files(const std::string& json) {
  rapidjson::Document doc;
  parse_json(doc, json);
  if (doc.HasParseError() || !doc.IsArray())
    return make_error(errc::upstream_failed, "Kaggle's data file list is not a JSON list");
  std::vector<kaggle_data_file> out;
  for (auto& f : doc.GetArray()) {
    if (!f.IsObject())
      continue;
    kaggle_data_file file;
    if (auto n = f.FindMember("name"); n != f.MemberEnd() && n->value.IsString())
      file.name = n->value.GetString();
    if (auto b = f.FindMember("totalBytes"); b != f.MemberEnd() && b->value.IsNumber())
      file.total_bytes = static_cast<int64_t>(b->value.GetDouble());
    out.push_back(std::move(file));
  }
  return out;
}

caf::expected<std::vector<kaggle_data_file>>
list_data_files(const kaggle_endpoint& ep, const std::string& slug, const std::atomic<bool>& abort) {
  http_request req;
  req.url = ep.api_url + "/competitions/data/list/" + slug;
  auto body = call_api(ep, std::move(req), slug, abort);
  if (!body)
    return body.error();
  return parse_data_files(*body);
}

std::string download_all_url(const kaggle_endpoint& ep, const std::string& slug) {
  return ep.api_url + "/competitions/data/download-all/" + slug;
}

} // namespace kagent::sources
