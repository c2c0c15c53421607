// One stage connection to the LLM proxy, handled start to end on the calling
// (detached) thread: read one bounded request with a deadline, forward it
// upstream, write the answer, close.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "core/llm_dialect.hpp"

namespace kagent::proxy {

/// What every connection of one proxy shares.
struct proxy_context {
  llm_dialect dialect = llm_dialect::anthropic;
  std::string upstream_url;      ///< base URL + the dialect's endpoint path
  std::string key;               ///< added to every upstream request
  int timeout_s = 300;           ///< upstream call
  int read_timeout_s = 30;       ///< the stage's request must arrive within this
  size_t max_body = 4u << 20;
  size_t max_reply = 8u << 20;
  int limit = 8;                 ///< connections served at once
  std::atomic<bool> stopping{false};
  std::atomic<int> active{0};
  std::atomic<int64_t> forwarded{0};
};

/// Serves the connection on `fd` (which it closes).
void serve_connection(int fd, proxy_context& ctx);

} // namespace kagent::proxy
