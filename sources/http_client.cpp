#include "sources/http_client.hpp"

#include <curl/curl.h>

#include <cctype>
#include <cstdlib>
#include <chrono>
#include <memory>
#include <thread>
#include <mutex>

namespace kagent::sources {

namespace {

struct transfer {
  http_response res;
  const body_sink* sink = nullptr;
  size_t max_kept = 0;
  const std::atomic<bool>* abort = nullptr;
};

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos)
    return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<transfer*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (after a 100 Continue, say): headers start over.
    t->res.headers.clear();
    auto sp = line.find(' ');
    auto sp2 = sp == std::string::npos ? sp : line.find(' ', sp + 1);
    if (sp != std::string::npos)
      t->res.status = std::strtol(line.c_str() + sp + 1, nullptr, 10);
    t->res.reason = sp2 == std::string::npos ? "" : trimmed(line.substr(sp2 + 1));
    return size * n;
  }
  auto colon = line.find(':');
  if (colon != std::string::npos)
    t->res.headers[lower(trimmed(line.substr(0, colon)))] = trimmed(line.substr(colon + 1));
  return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<transfer*>(user);
  auto len = size * n;
  t->res.received += static_cast<int64_t>(len);
  if (t->sink && *t->sink)
    return (*t->sink)(t->res, data, len) ? len : 0;
  if (t->res.body.size() + len > t->max_kept)
    return 0;
  t->res.body.append(data, len);
  return len;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<transfer*>(user);
  return t->abort->load() ? 1 : 0;
}

using easy_ptr = std::unique_ptr<CURL, void (*)(CURL*)>;
using slist_ptr = std::unique_ptr<curl_slist, void (*)(curl_slist*)>;
using mime_ptr = std::unique_ptr<curl_mime, void (*)(curl_mime*)>;

} // namespace

bool wait_unless_aborted(const std::atomic<bool>& abort, int64_t ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!abort.load()) {
    auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero())
      return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
      left, std::chrono::milliseconds(100)));
  }
  return false;
}

std::string http_response::header(const std::string& lower_name) const {
  auto i = headers.find(lower_name);
  return i == headers.end() ? std::string{} : i->second;
}

http_response perform(const http_request& req, const body_sink& sink,
                      const std::atomic<bool>& abort, size_t max_kept_bytes) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  transfer t;
  t.sink = &sink;
  t.max_kept = max_kept_bytes;
  t.abort = &abort;
  easy_ptr h{curl_easy_init(), curl_easy_cleanup};
  if (!h) {
    t.res.curl_code = CURLE_FAILED_INIT;
    return t.res;
  }
  auto* c = h.get();
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // other threads own the signals
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "kagent/0.1");
  // HTTP/1.1 as the kaggle CLI (urllib3) speaks it: status lines keep their reason.
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout_ms));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(req.stall_timeout_s));
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  if (req.auth) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(c, CURLOPT_USERNAME, req.auth->user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, req.auth->password.c_str());
  }
  slist_ptr headers{nullptr, curl_slist_free_all};
  for (auto& line : req.headers)
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  if (req.range_from > 0) {
    auto range = std::to_string(req.range_from) + "-";
    curl_easy_setopt(c, CURLOPT_RANGE, range.c_str());
  }
  if (headers)
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  mime_ptr mime{nullptr, curl_mime_free};
  if (!req.form.empty()) {
    mime.reset(curl_mime_init(c));
    for (auto& f : req.form) {
      auto* part = curl_mime_addpart(mime.get());
      curl_mime_name(part, f.name.c_str());
      curl_mime_data(part, f.value.data(), f.value.size());
    }
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());
  } else if (req.method == "POST" || req.method == "PUT") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  }
  if (req.method != "GET" && req.method != "POST")
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  auto rc = curl_easy_perform(c);
  t.res.curl_code = rc;
  t.res.curl_text = rc == CURLE_OK ? "" : (errbuf[0] ? errbuf : curl_easy_strerror(rc));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.res.status);
  char* redirect = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &redirect) == CURLE_OK && redirect)
    t.res.redirect_url = redirect;
  return std::move(t.res);
}

} // namespace kagent::sources
