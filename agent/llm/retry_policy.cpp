#include "agent/llm/retry_policy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>

namespace kagent::agent::llm {

namespace {

std::optional<double> number(const std::string& s) {
  if (s.empty())
    return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (*end != '\0' || !std::isfinite(v))
    return std::nullopt;
  return v;
}

// An IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT"), the form HTTP servers send.
std::optional<std::time_t> http_date(const std::string& s) {
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0')
    return std::nullopt;
  return timegm(&tm);
}

const std::string* header(const std::map<std::string, std::string>& h, const char* name) {
  auto i = h.find(name);
  return i == h.end() ? nullptr : &i->second;
}

} // namespace

bool should_retry(const http_reply& r) {
  if (r.failure == transport_failure::timeout || r.failure == transport_failure::connect)
    return true;
  if (r.failure != transport_failure::none)
    return false;
  if (auto h = header(r.headers, "x-should-retry")) {
    if (*h == "true")
      return true;
    if (*h == "false")
      return false;
  }
  return r.status == 408 || r.status == 409 || r.status == 429 || r.status >= 500;
}

std::optional<double> retry_after_s(const std::map<std::string, std::string>& headers,
                                    std::time_t now) {
  if (auto ms = header(headers, "retry-after-ms"))
    if (auto v = number(*ms))
      return *v / 1000.0;
  auto h = header(headers, "retry-after");
  if (!h)
    return std::nullopt;
  if (auto v = number(*h))
    return *v;
  if (auto t = http_date(*h))
    return static_cast<double>(*t - now);
  return std::nullopt;
}

double retry_delay_s(int retry, const std::map<std::string, std::string>& headers,
                     double jitter, std::time_t now) {
  // A wait the server asks for is honoured only when it is reasonable.
  if (auto asked = retry_after_s(headers, now); asked && *asked > 0 && *asked <= max_retry_after_s)
    return *asked;
  double backoff = std::min(initial_retry_delay_s * std::pow(2.0, retry), max_retry_delay_s);
  jitter = std::min(std::max(jitter, 0.0), 1.0);
  return std::max(0.0, backoff * (1.0 - 0.25 * jitter));
}

} // namespace kagent::agent::llm
