// One HTTP POST through libcurl, as a value: the response (any status), or
// why there was none. CURLcode stops here: callers see timeout / connect /
// other, which is all the retry rule needs.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace kagent::agent::llm {

/// A POST to send.
struct http_request {
  std::string url;
  std::vector<std::string> headers; ///< "Name: value" lines
  std::string body;
  std::string unix_socket;          ///< connect here instead of the URL's host
  int timeout_s = 300;              ///< whole transfer
  size_t max_reply_bytes = 8u << 20;
};

/// Why an attempt got no response.
enum class transport_failure { none, timeout, connect, other };

/// What one attempt gave.
struct http_reply {
  transport_failure failure = transport_failure::none;
  std::string error;                          ///< what failed, when failure != none
  long status = 0;                            ///< HTTP status when failure == none
  std::map<std::string, std::string> headers; ///< lower-case names, last value wins
  std::string body;
};

/// Sends `req` once; never throws.
http_reply http_post(const http_request& req);

/// Splits one raw header line ("Name: value\r\n") into a lower-case name and
/// a trimmed value; false for status lines and blank lines.
bool parse_header_line(const std::string& line, std::string& name, std::string& value);

} // namespace kagent::agent::llm
