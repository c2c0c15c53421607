// One HTTP exchange through libcurl, blocking (detached actors only). It
// never follows redirects by itself: the caller decides where to go next and
// whether credentials go along, so the Kaggle key is only ever sent to the
// API host. Basic auth is given to libcurl as user and password, never
// written into a header, a URL or a log line.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kagent::sources {

/// HTTP Basic credentials for one request.
struct basic_auth {
  std::string user;
  std::string password;
};

/// One part of a multipart/form-data body.
struct form_field {
  std::string name;
  std::string value;
};

/// What to send.
struct http_request {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;    ///< "Name: value"
  std::optional<basic_auth> auth;
  std::vector<form_field> form;        ///< sent as multipart/form-data when not empty
  std::string body;                    ///< raw body (PUT), when form is empty
  int64_t range_from = 0;              ///< > 0: "Range: bytes=<range_from>-"
  int64_t timeout_ms = 60000;          ///< whole exchange
  int64_t connect_timeout_ms = 15000;
  int64_t stall_timeout_s = 60;        ///< below 1 byte/s this long: the transfer fails
};

/// What came back. `curl_code` 0 means the exchange completed (any status).
struct http_response {
  long status = 0;
  std::string reason;                          ///< from the status line, e.g. "Forbidden"
  std::map<std::string, std::string> headers;  ///< names in lower case, last value wins
  std::string body;                            ///< when no sink took it
  std::string redirect_url;                    ///< absolute Location of a 3xx
  int curl_code = 0;
  std::string curl_text;
  int64_t received = 0;                        ///< body bytes handed to the sink or kept

  /// A header's value, empty when absent.
  std::string header(const std::string& lower_name) const;
};

/// Takes body bytes as they arrive; returning false stops the transfer. It
/// is first called after every header is in, so `response.status` is set.
using body_sink = std::function<bool(const http_response& response, const char* data, size_t n)>;

/// Performs `req`. Without a sink the body is kept in `response.body`, up
/// to `max_kept_bytes` (then the transfer stops with a write error). The
/// transfer is abandoned as soon as `abort` becomes true.
http_response perform(const http_request& req, const body_sink& sink,
                      const std::atomic<bool>& abort, size_t max_kept_bytes = 16 << 20);

/// Sleeps `ms` milliseconds in short steps; false as soon as `abort` is set.
bool wait_unless_aborted(const std::atomic<bool>& abort, int64_t ms);

} // namespace kagent::sources
