// How log lines look: text for people, or one JSON object per line (time,
// level, logger, message) for log shippers (--log-format).
#pragma once

#include <memory>
#include <string>

#include <spdlog/formatter.h>

namespace kagent {

/// A formatter for "text" (time level [logger] message) or "json".
std::unique_ptr<spdlog::formatter> make_log_formatter(const std::string& format);

/// Sets the format of every existing and future logger ("text" or "json").
void set_log_format(const std::string& format);

} // namespace kagent
