// The WebSocket messages of GET /ws/jobs/{id}, parsed from JSON text.
#pragma once

#include <cstdint>
#include <string>

namespace kagent::cli {

/// One job event as the server sends it.
struct stream_event {
  std::string job_id;
  int64_t seq = 0;   ///< per job, gapless from 1
  std::string time;  ///< ISO 8601
  std::string stage; ///< analyze, plan, generate, train, ...; may be empty
  std::string kind;  ///< stage_started, progress, log, stage_finished, retry, ...
  std::string message;
  double progress = -1; ///< 0..1 for progress events, else -1
};

/// What a text frame carried.
enum class message_type { event, end, other, invalid };

/// A parsed text frame.
struct ws_message {
  message_type type = message_type::invalid;
  stream_event event; ///< for message_type::event
  std::string status; ///< the final status, for message_type::end
};

/// Parses one text frame; never throws.
ws_message parse_ws_message(const std::string& text);

/// True for success, failed, timeout and cancelled.
bool is_terminal_status(const std::string& status);

/// The exit code for a job's final status (a `failed: reason` counts as failed).
int exit_code_for_status(const std::string& status);

} // namespace kagent::cli
