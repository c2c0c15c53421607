// Human-readable views of the server's JSON: the status summary and the jobs
// table. Pure functions of the response body.
#pragma once

#include <string>

namespace kagent::cli {

/// The summary `kagent status` prints; empty when the body is not a status object.
std::string format_status(const std::string& status_json);

/// The table `kagent jobs` prints; empty when the body is not a job list.
std::string format_jobs(const std::string& list_json);

/// "2026-11-28T16:31:02.120000+00:00" -> "2026-11-28 16:31:02"; other text as is.
std::string short_time(const std::string& iso);

} // namespace kagent::cli
