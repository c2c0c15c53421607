// What the LLM proxy lets through, as pure functions: a sandboxed stage may
// POST to the one endpoint of the configured dialect and nothing else; the
// proxy, not the stage, adds the key; only the headers the client's retry
// rule reads come back. Errors the proxy itself answers are shaped like the
// dialect's own, so the stage's client reads and retries them the same way.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/llm_dialect.hpp"

namespace kagent::proxy {

/// A request as read from the socket (header names lower-case).
struct incoming {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;
  std::string body;
};

/// A response to write back.
struct outgoing {
  int status = 200;
  std::map<std::string, std::string> headers; ///< besides content-length and connection
  std::string body;
};

/// Empty when `req` may be forwarded, else the refusal to send back.
std::optional<outgoing> refusal(const incoming& req, llm_dialect d, size_t max_body);

/// The headers of the upstream request: the client's content headers and
/// anthropic-version, the key in the dialect's header, never the client's
/// own authentication headers.
std::vector<std::string> upstream_headers(const incoming& req, llm_dialect d,
                                          const std::string& key);

/// The upstream response's headers that travel back to the stage.
std::map<std::string, std::string> returned_headers(const std::map<std::string, std::string>& up);

/// An error the proxy answers itself, in the dialect's error shape.
outgoing proxy_error(llm_dialect d, int status, const std::string& type,
                     const std::string& message);

/// The response as bytes on the wire (HTTP/1.1, Connection: close).
std::string render(const outgoing& res);

} // namespace kagent::proxy
