// When to try an LLM request again and how long to wait, as the official
// Anthropic and OpenAI SDKs decide it: x-should-retry wins; 408, 409, 429,
// every 5xx (529 overloaded included) and connection failures or timeouts
// are retried; the server's retry-after-ms / retry-after is honoured when it
// asks for more than 0 and at most 60 s; otherwise exponential backoff from
// 0.5 s, capped at 8 s, shortened by up to a quarter at random.
#pragma once

#include <ctime>
#include <map>
#include <optional>
#include <string>

#include "agent/llm/http_post.hpp"

namespace kagent::agent::llm {

/// First backoff, seconds.
constexpr double initial_retry_delay_s = 0.5;
/// Largest backoff, seconds.
constexpr double max_retry_delay_s = 8.0;
/// Largest server-requested wait that is honoured, seconds.
constexpr double max_retry_after_s = 60.0;

/// True when `r` is worth another attempt.
bool should_retry(const http_reply& r);

/// The wait the server asks for in `headers`, in seconds: retry-after-ms,
/// else retry-after as seconds (fractions allowed) or as an HTTP date
/// relative to `now`. nullopt when absent or unreadable.
std::optional<double> retry_after_s(const std::map<std::string, std::string>& headers,
                                    std::time_t now);

/// Seconds to wait before retry number `retry` (0 for the first retry).
/// `jitter` in [0, 1) shortens the backoff by jitter/4.
double retry_delay_s(int retry, const std::map<std::string, std::string>& headers,
                     double jitter, std::time_t now);

} // namespace kagent::agent::llm
