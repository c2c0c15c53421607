// One WebSocket connection to kagentd (Boost.Beast, plain TCP): connect,
// upgrade, hand every text frame to a callback until the server closes or the
// callback says stop. Reconnecting is the caller's business (follow.hpp).
#pragma once

#include <functional>
#include <string>

namespace kagent::cli {

/// host, port and path prefix of an http:// base URL.
struct ws_endpoint {
  std::string host;
  std::string port;
  std::string prefix; ///< path before /ws/..., usually empty
  std::string error;  ///< set when the URL cannot be used for a WebSocket
};

/// Splits a base URL like http://host:8000; https:// is refused (no TLS here).
ws_endpoint split_base_url(const std::string& base);

/// How a connection ended.
struct ws_outcome {
  enum kind_t {
    stopped,  ///< the callback asked to stop; closed normally
    closed,   ///< the server sent a close frame (code, reason)
    declined, ///< the upgrade got an HTTP answer instead (http_status)
    failed,   ///< connect, timeout or transport error (error)
  } kind = failed;
  bool connected = false; ///< the handshake completed
  int close_code = 0;
  std::string reason;
  int http_status = 0;
  std::string error;
};

/// Returns false to stop reading and close the connection normally.
using text_handler = std::function<bool(const std::string&)>;

/// Connects to `target` (path and query) on `ep` and reads until it ends.
/// `api_key` (may be empty) goes in an Authorization header.
ws_outcome ws_read_all(const ws_endpoint& ep, const std::string& target, const std::string& api_key,
                       const text_handler& on_text);

} // namespace kagent::cli
