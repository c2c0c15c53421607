#include "sources/retry_policy.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>

namespace kagent::sources {

bool is_retryable_status(long status) {
  return status == 408 || status == 429 || (status >= 500 && status <= 599 && status != 501);
}

int64_t parse_retry_after(const std::string& value, int64_t now_s) {
  auto b = value.find_first_not_of(" \t");
  if (b == std::string::npos)
    return -1;
  auto e = value.find_last_not_of(" \t");
  auto v = value.substr(b, e - b + 1);
  if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    if (v.size() > 9)  // more than 31 years: treat as "very long", the cap applies
      return 999999999;
    return std::stoll(v);
  }
  // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
  std::tm tm{};
  auto* end = strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0')
    return -1;
  auto at = static_cast<int64_t>(timegm(&tm));
  return std::max<int64_t>(0, at - now_s);
}

int64_t retry_delay_ms(const retry_policy& p, int attempt, int64_t retry_after_s, double jitter) {
  if (retry_after_s >= 0)
    return std::min(p.max_delay_ms, retry_after_s * 1000);
  // Rounded to the millisecond before the jitter: 1.7^2 is 2.8899... in binary.
  auto nominal = std::round(static_cast<double>(p.base_delay_ms)
                            * std::pow(1.7, std::max(0, attempt - 1)));
  jitter = std::min(std::max(jitter, 0.0), 0.999999);
  auto d = nominal * (0.5 + jitter);
  return std::min(p.max_delay_ms, static_cast<int64_t>(d));
}

} // namespace kagent::sources
