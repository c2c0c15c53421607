#include "sources/curl_error.hpp"

#include <curl/curl.h>

#include "core/error.hpp"

namespace kagent::sources {

bool is_transient_curl_code(int code) {
  switch (static_cast<CURLcode>(code)) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:  // also the low-speed guard: a stalled transfer
    case CURLE_PARTIAL_FILE:        // the connection closed before Content-Length
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

caf::error curl_failure(int code, const std::string& what, const std::string& curl_text) {
  auto c = static_cast<CURLcode>(code);
  std::string text = curl_text.empty() ? curl_easy_strerror(c) : curl_text;
  auto detail = what + ": " + text;
  if (c == CURLE_ABORTED_BY_CALLBACK)
    return make_error(errc::cancelled, what + ": stopped (shutting down or cancelled)");
  if (c == CURLE_OPERATION_TIMEDOUT)
    return make_error(errc::deadline_exceeded, detail);
  return make_error(errc::upstream_failed, detail);
}

} // namespace kagent::sources
