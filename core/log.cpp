#include "core/log.hpp"

#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace kagent {

namespace {
std::mutex log_mutex;
} // namespace

std::shared_ptr<spdlog::logger> get_logger(const std::string& name) {
  std::lock_guard<std::mutex> guard{log_mutex};
  if (auto existing = spdlog::get(name))
    return existing;
  auto created = spdlog::stderr_color_mt(name);
  created->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
  return created;
}

void set_log_level(const std::string& level) {
  spdlog::set_level(spdlog::level::from_str(level));
}

} // namespace kagent
