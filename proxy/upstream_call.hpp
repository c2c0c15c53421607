// The proxy's one outbound request: libcurl POST to the configured LLM URL,
// bounded in time and size, abandoned when the stage hangs up or kagentd
// stops. CURLcode is translated here into what the stage should see.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace kagent::proxy {

/// How the upstream call ended.
struct upstream_reply {
  enum class outcome { answered, timeout, unreachable, aborted, failed } result = outcome::failed;
  long status = 0;
  std::map<std::string, std::string> headers; ///< lower-case names
  std::string body;
  std::string error; ///< libcurl's reason when not answered
};

/// POSTs `body` to `url`; `keep_going` is polled about once a second and
/// aborts the call when it returns false.
upstream_reply call_upstream(const std::string& url, const std::vector<std::string>& headers,
                             const std::string& body, int timeout_s, size_t max_reply,
                             std::function<bool()> keep_going);

} // namespace kagent::proxy
