// Downloading one large file the way Kaggle serves it: the API answers with
// a redirect to a signed storage URL, which is followed without the
// credentials. A transfer that breaks is resumed where it stopped with a
// Range request (sources/range_resume); 408/429/5xx and transport failures
// are retried with backoff; an expired signed URL is replaced by asking the
// API again. Bounded in bytes and in time. Blocking: detached actors only.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <caf/expected.hpp>

#include "sources/http_client.hpp"
#include "sources/retry_policy.hpp"

namespace kagent::sources {

/// One download.
struct download_request {
  std::string url;        ///< the API's download URL, called with `auth`
  basic_auth auth;        ///< sent to `url` only, never to where it redirects
  std::string path;       ///< the file written (created or truncated)
  int64_t max_bytes = 20LL << 30;
  std::chrono::steady_clock::time_point deadline;
  retry_policy retry;
  std::string slug;       ///< for error messages
};

/// What it took.
struct download_stats {
  int64_t bytes = 0;   ///< size of the finished file
  int64_t total = -1;  ///< size the server announced, -1 when it did not
  int attempts = 0;    ///< requests to storage (or the API when it served the file)
  int resumes = 0;     ///< of them, Range requests continuing a broken transfer
};

/// Called with the bytes on disk and the announced total (-1 unknown).
using progress_fn = std::function<void(int64_t done, int64_t total)>;

/// Downloads `req.url` to `req.path`.
caf::expected<download_stats> download_file(const download_request& req, const progress_fn& progress,
                                            const std::atomic<bool>& abort);

} // namespace kagent::sources
