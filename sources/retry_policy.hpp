// When to try a Kaggle request again and how long to wait first. Pure
// functions, so the rules are tested without a network: the kaggle CLI's
// exponential backoff (base × 1.7^attempt with ±50 % jitter), capped, and
// a server's Retry-After honoured up to the same cap.
#pragma once

#include <cstdint>
#include <string>

namespace kagent::sources {

/// How often and how patiently requests are retried.
struct retry_policy {
  int retries = 5;             ///< further attempts after the first
  int64_t base_delay_ms = 500; ///< the first retry's delay before jitter
  int64_t max_delay_ms = 60000; ///< no wait is longer, Retry-After included
};

/// True for HTTP statuses worth another attempt: 408, 429 and 5xx but 501.
bool is_retryable_status(long status);

/// Seconds of a Retry-After value: delta-seconds or an HTTP date (RFC 9110
/// §10.2.3) relative to `now_s` (Unix seconds); -1 when absent or unreadable.
int64_t parse_retry_after(const std::string& value, int64_t now_s);

/// Milliseconds to wait before retry number `attempt` (1 = first retry).
/// `retry_after_s` >= 0 wins over the backoff; `jitter` in [0, 1) spreads
/// the backoff over [0.5, 1.5) of its nominal value.
int64_t retry_delay_ms(const retry_policy& p, int attempt, int64_t retry_after_s, double jitter);

} // namespace kagent::sources
