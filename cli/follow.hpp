// `--follow`: streams one job's events over the WebSocket until the job ends,
// reconnecting with ?since= so nothing is lost or shown twice, and hands them
// to a sink that draws bars, plain lines or log lines.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>

#include "cli/events.hpp"
#include "cli/http_client.hpp"

namespace kagent::cli {

/// Receives what a followed job shows.
class follow_sink {
public:
  virtual ~follow_sink() = default;
  /// A new event (never a repeat).
  virtual void on_event(const stream_event& ev) = 0;
  /// A side note such as "reconnecting".
  virtual void notice(const std::string& text) = 0;
  /// The job ended with `status`.
  virtual void finish(const std::string& status) = 0;
};

/// `[train] 40% fold 2/5` lines, for pipes and files.
std::unique_ptr<follow_sink> make_plain_sink(std::ostream& out, std::ostream& err);

/// Live bars redrawn in place with ANSI escapes, for a terminal `width` wide.
std::unique_ptr<follow_sink> make_bar_sink(std::ostream& out, int width);

/// `time [stage] kind: message` lines, as `logs --follow` prints.
std::unique_ptr<follow_sink> make_log_sink(std::ostream& out, std::ostream& err);

/// What follow_job needs to reach the server.
struct follow_target {
  std::string base;    ///< server base URL
  std::string api_key; ///< may be empty
  std::string job_id;
  int max_tries = 6;    ///< consecutive failed reconnects before giving up
  int backoff_ms = 250; ///< first wait between reconnects
};

/// Follows the job to its end; returns the exit code (exit_code.hpp).
/// Errors are written to `err`.
int follow_job(const follow_target& t, http_client& http, follow_sink& sink, std::ostream& err);

} // namespace kagent::cli
