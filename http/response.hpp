// HTTP message types of the server and builders for the responses every
// endpoint shares: JSON bodies, `{"detail": ...}` errors, CAF errors mapped
// through error_map. Pure; no sockets.
#pragma once

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <caf/fwd.hpp>

namespace kagent::http {

/// A request as the router sees it (whole body in memory, bounded by the parser).
using request = boost::beast::http::request<boost::beast::http::string_body>;

/// A response as the session writes it.
using response = boost::beast::http::response<boost::beast::http::string_body>;

/// Headers of the bridge's answer to a WebSocket upgrade, read by the
/// session and never sent (the handshake response is Beast's own).
constexpr const char* internal_owner_header = "X-Kagent-Owner";
constexpr const char* internal_all_header = "X-Kagent-All-Owners";

/// The value of the Server header.
constexpr const char* server_name = "kagentd";

/// A response with `status`, `content_type` and `body` (HTTP/1.1, Server set).
response make_response(unsigned status, std::string body, const char* content_type);

/// A JSON response with `status` and an already rendered JSON `body`.
response json_response(unsigned status, std::string body);

/// `{"detail": detail}` with `status`.
response error_response(unsigned status, const std::string& detail);

/// The response for a backend error: status from error_map, detail from the
/// error; queue_full adds `Retry-After: retry_after_s`.
response error_response(const caf::error& err, int retry_after_s);

/// `{"detail": "Job not found"}`, 404.
response job_not_found();

} // namespace kagent::http
