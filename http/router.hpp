// The pure request handler, after Beast's handle_request: a request goes in,
// and either a finished response (errors, 404/405/413/415/422) or a validated
// api_call for the bridge comes out. No sockets, no actors.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "http/api_call.hpp"
#include "http/response.hpp"

namespace kagent::http {

/// What routing a request gives.
struct route_result {
  std::optional<response> immediate;  ///< set: send this, ask nobody
  api_call call;                      ///< otherwise: ask the actors
};

/// Limits the router enforces itself (the parser enforces them first on sockets).
struct router_limits {
  size_t max_body_bytes = 64 * 1024;
  /// Host header values answered (lowercase, "name" or "name:port"); others
  /// get 421 (DNS rebinding). Empty: no check.
  std::vector<std::string> allowed_hosts;
  /// The one origin allowed cross-origin requests (CORS); empty: CORS off.
  std::string cors_origin;
};

/// The Host values a server on `bind_host`:`port` answers by default:
/// localhost, 127.0.0.1, [::1] and the bind host, each with and without the
/// port, plus `extra` names.
std::vector<std::string> default_allowed_hosts(const std::string& bind_host, uint16_t port,
                                               const std::vector<std::string>& extra);

/// True when `origin` (an Origin header) may open a WebSocket: the page was
/// served by this host, or it is the configured CORS origin.
bool websocket_origin_ok(const std::string& origin, const std::string& host,
                         const router_limits& limits);

/// Routes `req`: validates Host, path, method, content type, body and query.
route_result route(const request& req, const router_limits& limits);

} // namespace kagent::http
