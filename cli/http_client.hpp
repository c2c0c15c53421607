// A small blocking HTTP client over libcurl for the CLI: one request at a
// time, timeouts on every call, errors as values, secrets never printed.
#pragma once

#include <memory>
#include <string>

namespace kagent::cli {

/// An HTTP answer (any status) or a transport error.
struct http_result {
  long status = 0;          ///< HTTP status; 0 when the request never got an answer
  std::string body;         ///< the response body
  std::string content_type; ///< the Content-Type header, if any
  std::string error;        ///< transport error (connect, timeout); empty when answered
  /// True when the server answered with a 2xx status.
  bool ok() const { return error.empty() && status >= 200 && status < 300; }
};

/// Talks to one kagentd base URL.
class http_client {
public:
  /// `base` like http://host:8000 (no trailing slash); `api_key` may be empty.
  http_client(std::string base, std::string api_key);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// GET base+path; `timeout_ms` bounds the whole transfer.
  http_result get(const std::string& path, long timeout_ms = 30000);

  /// POST a JSON body to base+path.
  http_result post_json(const std::string& path, const std::string& json);

  /// DELETE base+path.
  http_result del(const std::string& path);

  /// The base URL with any user:password removed, for messages.
  std::string display_base() const;

private:
  http_result perform(const char* method, const std::string& path, const std::string* body,
                      long timeout_ms);

  std::string base_;
  std::string api_key_;
  void* curl_;
};

/// Escapes one path segment (a job id) for a URL.
std::string escape_segment(const std::string& s);

/// Escapes one query value.
std::string escape_query(const std::string& s);

/// The server's `{"detail": ...}` as text, else the body trimmed to a line.
std::string detail_of(const std::string& body);

/// Removes `user:password@` from a URL so it can be printed.
std::string redact_url(const std::string& url);

} // namespace kagent::cli
