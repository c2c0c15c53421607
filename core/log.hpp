// Named spdlog loggers, one per folder ("actors", "http", "persistence", ...).
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace kagent {

/// The logger called `name`, created on first use (thread-safe), writing to stderr.
std::shared_ptr<spdlog::logger> get_logger(const std::string& name);

/// Sets the level of every existing and future logger ("info", "debug", ...).
void set_log_level(const std::string& level);

} // namespace kagent
