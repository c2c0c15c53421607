// The pure request handler, after Beast's handle_request: a request goes in,
// and either a finished response (errors, 404/405/413/415/422) or a validated
// api_call for the bridge comes out. No sockets, no actors.
#pragma once

#include <cstddef>
#include <optional>

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
};

/// Routes `req`: validates path, method, content type, body and query.
route_result route(const request& req, const router_limits& limits);

} // namespace kagent::http
