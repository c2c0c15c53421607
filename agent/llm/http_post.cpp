#include "agent/llm/http_post.hpp"

#include <mutex>

#include <curl/curl.h>

#include "core/text.hpp"

namespace kagent::agent::llm {

namespace {

struct sink {
  http_reply* reply;
  size_t limit;
  bool too_big = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<sink*>(user);
  size_t bytes = size * n;
  if (s->reply->body.size() + bytes > s->limit) {
    s->too_big = true;
    return 0; // aborts the transfer with CURLE_WRITE_ERROR
  }
  s->reply->body.append(data, bytes);
  return bytes;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<sink*>(user);
  std::string line(data, size * n);
  std::string name, value;
  // A new status line (a 100 Continue before the real one) starts afresh.
  if (line.rfind("HTTP/", 0) == 0)
    s->reply->headers.clear();
  else if (parse_header_line(line, name, value))
    s->reply->headers[name] = value;
  return size * n;
}

// The retry rule of the official SDKs distinguishes only "no connection"
// and "timed out" from everything else.
transport_failure classify(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return transport_failure::timeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return transport_failure::connect;
    default:
      return transport_failure::other;
  }
}

} // namespace

bool parse_header_line(const std::string& line, std::string& name, std::string& value) {
  auto colon = line.find(':');
  if (colon == std::string::npos || colon == 0 || line.rfind("HTTP/", 0) == 0)
    return false;
  name = to_lower(trim(line.substr(0, colon)));
  value = trim(line.substr(colon + 1));
  return !name.empty();
}

http_reply http_post(const http_request& req) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  http_reply reply;
  CURL* curl = curl_easy_init();
  if (!curl) {
    reply.failure = transport_failure::other;
    reply.error = "libcurl could not start";
    return reply;
  }
  curl_slist* headers = nullptr;
  for (auto& h : req.headers)
    headers = curl_slist_append(headers, h.c_str());
  // No "Expect: 100-continue" round trip for large prompts.
  headers = curl_slist_append(headers, "Expect:");
  sink s{&reply, req.max_reply_bytes};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &s);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &s);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(req.timeout_s));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L); // an API answers, it does not redirect
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (!req.unix_socket.empty())
    curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, req.unix_socket.c_str());
  CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  } else if (s.too_big) {
    reply.failure = transport_failure::other;
    reply.error = "reply larger than " + std::to_string(req.max_reply_bytes) + " bytes";
  } else {
    reply.failure = classify(code);
    reply.error = *errbuf ? errbuf : curl_easy_strerror(code);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return reply;
}

} // namespace kagent::agent::llm
