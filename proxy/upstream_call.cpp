#include "proxy/upstream_call.hpp"

#include <mutex>

#include <curl/curl.h>

#include "core/text.hpp"

namespace kagent::proxy {

namespace {

struct transfer {
  upstream_reply* reply;
  size_t limit;
  std::function<bool()> keep_going;
  bool too_big = false;
  bool aborted = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<transfer*>(user);
  if (t->reply->body.size() + size * n > t->limit) {
    t->too_big = true;
    return 0;
  }
  t->reply->body.append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<transfer*>(user);
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (line.rfind("HTTP/", 0) == 0)
    t->reply->headers.clear();
  else if (colon != std::string::npos && colon > 0)
    t->reply->headers[to_lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
  return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<transfer*>(user);
  if (t->keep_going && !t->keep_going()) {
    t->aborted = true;
    return 1;
  }
  return 0;
}

} // namespace

upstream_reply call_upstream(const std::string& url, const std::vector<std::string>& headers,
                             const std::string& body, int timeout_s, size_t max_reply,
                             std::function<bool()> keep_going) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  upstream_reply reply;
  CURL* curl = curl_easy_init();
  if (!curl) {
    reply.error = "libcurl could not start";
    return reply;
  }
  curl_slist* list = nullptr;
  for (auto& h : headers)
    list = curl_slist_append(list, h.c_str());
  transfer t{&reply, max_reply, std::move(keep_going)};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(timeout_s));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // The key goes to the configured URL only: no redirects, no other scheme.
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  CURLcode code = curl_easy_perform(curl);
  using outcome = upstream_reply::outcome;
  if (code == CURLE_OK) {
    reply.result = outcome::answered;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  } else {
    reply.error = *errbuf ? errbuf : curl_easy_strerror(code);
    if (t.aborted)
      reply.result = outcome::aborted;
    else if (t.too_big)
      reply.result = outcome::failed, reply.error = "reply too large";
    else if (code == CURLE_OPERATION_TIMEDOUT)
      reply.result = outcome::timeout;
    else if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST
             || code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR || code == CURLE_GOT_NOTHING
             || code == CURLE_SSL_CONNECT_ERROR || code == CURLE_PARTIAL_FILE)
      reply.result = outcome::unreachable;
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return reply;
}

} // namespace kagent::proxy
