#include "sources/download.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <random>

#include "core/error.hpp"
#include "core/log.hpp"
#include "sources/curl_error.hpp"
#include "sources/kaggle_errors.hpp"
#include "sources/range_resume.hpp"

namespace kagent::sources {

namespace {

constexpr int max_redirects = 10;
constexpr size_t max_error_body = 64 * 1024;

int64_t content_length(const http_response& r) {
  auto v = r.header("content-length");
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
    return -1;
  return std::stoll(v);
}

bool is_http_url(const std::string& url) {
  return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

caf::error too_large(const download_request& req, int64_t bytes) {
  return make_error(errc::invalid_input,
                    "the data of '" + req.slug + "' is " + std::to_string(bytes)
                      + " bytes or more, above the limit of " + std::to_string(req.max_bytes)
                      + " bytes (--max-download-bytes)");
}

// One request's bookkeeping: where its body goes.
struct attempt {
  int fd;
  int64_t& have;
  const download_request& req;
  const progress_fn& progress;
  download_stats& stats;
  bool decided = false;
  resume_decision d;
  std::string error_body;
  caf::error error;
  bool discarded = false;  ///< stopped on purpose: the body does not belong in the file

  attempt(int f, int64_t& h, const download_request& r, const progress_fn& p, download_stats& s)
    : fd(f), have(h), req(r), progress(p), stats(s) {}

  void decide(const http_response& r) {
    decided = true;
    if ((r.status < 200 || r.status >= 300) && r.status != 416)
      return;  // d.action stays fail: the body is an error text
    d = decide_resume(have, r.status, r.header("content-range"), content_length(r));
    if (d.action == resume_action::truncate)
      have = 0;
    if (d.action != resume_action::append && d.action != resume_action::truncate)
      return;
    if (d.total > req.max_bytes)
      error = too_large(req, d.total);
    else if (ftruncate(fd, have) != 0 || lseek(fd, have, SEEK_SET) != have)
      error = make_error(errc::internal, "cannot write " + req.path + ": " + std::strerror(errno));
    stats.total = d.total;
  }

  bool take(const http_response& r, const char* p, size_t n) {
    if (!decided)
      decide(r);
    if (error)
      return false;
    if (d.action == resume_action::fail) {
      error_body.append(p, std::min(n, max_error_body - std::min(max_error_body, error_body.size())));
      return true;
    }
    if (d.action != resume_action::append && d.action != resume_action::truncate) {
      discarded = true;
      return false;
    }
    if (have + static_cast<int64_t>(n) > req.max_bytes) {
      error = too_large(req, have + static_cast<int64_t>(n));
      return false;
    }
    while (n > 0) {
      auto w = write(fd, p, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0) {
        error = make_error(errc::internal, "cannot write " + req.path + ": " + std::strerror(errno));
        return false;
      }
      p += w;
      n -= static_cast<size_t>(w);
      have += w;
    }
    if (progress)
      progress(have, stats.total);
    return true;
  }
};

double jitter() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

} // namespace

caf::expected<download_stats> download_file(const download_request& req, const progress_fn& progress,
                                            const std::atomic<bool>& abort) {
  auto log = get_logger("sources");
  int fd = open(req.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    return make_error(errc::internal, "cannot create " + req.path + ": " + std::strerror(errno));
  struct closer {
    int fd;
    ~closer() { close(fd); }
  } guard{fd};
  download_stats stats;
  int64_t have = 0;
  std::string location;  // the signed storage URL, once the API gave one
  int failures = 0, redirects = 0;
  caf::error last;
  for (;;) {
    if (abort.load())
      return make_error(errc::cancelled, "download of '" + req.slug + "': stopped");
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  req.deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0)
      return make_error(errc::deadline_exceeded,
                        "download of '" + req.slug + "' did not finish within --download-timeout"
                          + (last ? " (last problem: " + detail_of(last) + ")" : std::string{}));
    bool to_api = location.empty();
    http_request hr;
    hr.url = to_api ? req.url : location;
    if (to_api)
      hr.auth = req.auth;
    hr.range_from = have;
    hr.timeout_ms = left;
    attempt a{fd, have, req, progress, stats};
    auto start = have;
    auto res = perform(hr, [&](const http_response& r, const char* p, size_t n) { return a.take(r, p, n); },
                       abort);
    if (a.error)
      return a.error;
    if (res.curl_code == 0 && res.status >= 300 && res.status < 400) {
      if (!is_http_url(res.redirect_url))
        return make_error(errc::upstream_failed, "download of '" + req.slug + "': a "
                                                   + std::to_string(res.status) + " without a usable Location");
      if (++redirects > max_redirects)
        return make_error(errc::upstream_failed, "download of '" + req.slug + "': too many redirects");
      location = res.redirect_url;  // followed without credentials
      continue;
    }
    ++stats.attempts;
    if (start > 0)
      ++stats.resumes;
    if (res.curl_code == 0 && !a.decided)
      a.decide(res);  // an empty body: 416, or an empty file
    if (a.error)
      return a.error;
    if (a.discarded)
      res.curl_code = 0;  // we stopped it: the decision below says why
    if (res.curl_code == 0 && a.d.action != resume_action::fail) {
      if (a.d.action == resume_action::complete
          || ((a.d.action == resume_action::append || a.d.action == resume_action::truncate)
              && (stats.total < 0 || have == stats.total))) {
        stats.bytes = have;
        return stats;
      }
      // A range that does not continue the file, or a body short of its total.
      last = make_error(errc::upstream_failed, "storage answered a range that does not fit");
      have = a.d.action == resume_action::restart ? 0 : have;
    } else if (res.curl_code != 0) {
      if (!is_transient_curl_code(res.curl_code))
        return curl_failure(res.curl_code, "download of '" + req.slug + "'", res.curl_text);
      last = curl_failure(res.curl_code, "download of '" + req.slug + "'", res.curl_text);
    } else if (to_api && !is_retryable_status(res.status)) {
      return kaggle_refusal(res.status, res.reason, a.error_body, req.slug, req.auth.user);
    } else {
      last = make_error(errc::upstream_failed,
                        std::string{to_api ? "Kaggle API" : "storage"} + " answered "
                          + kaggle_error_line(res.status, res.reason, a.error_body));
      // A refusing storage URL has probably expired: ask the API for a new one.
      if (!to_api && !is_retryable_status(res.status))
        location.clear();
    }
    bool progressed = have > start;
    failures = progressed ? 0 : failures + 1;
    if (failures > req.retry.retries)
      return make_error(errc::upstream_failed, detail_of(last) + " (gave up after "
                                                 + std::to_string(req.retry.retries) + " retries)");
    // A transfer that moved on is resumed at once; one that did not backs off.
    int64_t delay = 0;
    if (!progressed)
      delay = retry_delay_ms(req.retry, failures,
                             parse_retry_after(res.header("retry-after"), std::time(nullptr)), jitter());
    log->warn("download retry slug={} have={} status={} curl={} failures={} delay_ms={}", req.slug,
              have, res.status, res.curl_code, failures, delay);
    if (delay > 0 && !wait_unless_aborted(abort, delay))
      return make_error(errc::cancelled, "download of '" + req.slug + "': stopped");
  }
}

} // namespace kagent::sources
