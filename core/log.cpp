#include "core/log.hpp"
#include "core/log_format.hpp"

#include <ctime>
#include <mutex>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace kagent {

namespace {

std::mutex log_mutex;
std::string log_format = "text"; // guarded by log_mutex

void append_json_string(spdlog::memory_buf_t& out, spdlog::string_view_t s) {
  static const char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
    case '"':
      out.append(std::string_view{"\\\""});
      break;
    case '\\':
      out.append(std::string_view{"\\\\"});
      break;
    case '\n':
      out.append(std::string_view{"\\n"});
      break;
    case '\r':
      out.append(std::string_view{"\\r"});
      break;
    case '\t':
      out.append(std::string_view{"\\t"});
      break;
    default:
      if (c < 0x20) {
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        out.append(esc, esc + 6);
      } else {
        out.push_back(ch);
      }
    }
  }
  out.push_back('"');
}

// One JSON object per line; time in UTC (RFC 3339, milliseconds).
class json_formatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& out) override {
    using namespace std::chrono;
    auto since = msg.time.time_since_epoch();
    auto secs = duration_cast<seconds>(since);
    auto ms = duration_cast<milliseconds>(since - secs).count();
    std::time_t t = secs.count();
    std::tm tm{};
    gmtime_r(&t, &tm);
    char when[40];
    auto n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof(when) - n, ".%03dZ", static_cast<int>(ms));
    out.append(std::string_view{"{\"time\":\""});
    out.append(std::string_view{when});
    out.append(std::string_view{"\",\"level\":"});
    auto level = spdlog::level::to_string_view(msg.level);
    append_json_string(out, level);
    out.append(std::string_view{",\"logger\":"});
    append_json_string(out, msg.logger_name);
    out.append(std::string_view{",\"message\":"});
    append_json_string(out, msg.payload);
    out.append(std::string_view{"}\n"});
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }
};

} // namespace

std::unique_ptr<spdlog::formatter> make_log_formatter(const std::string& format) {
  if (format == "json")
    return std::make_unique<json_formatter>();
  return std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
}

std::shared_ptr<spdlog::logger> get_logger(const std::string& name) {
  std::lock_guard<std::mutex> guard{log_mutex};
  if (auto existing = spdlog::get(name))
    return existing;
  auto created = spdlog::stderr_color_mt(name);
  created->set_formatter(make_log_formatter(log_format));
  return created;
}

void set_log_level(const std::string& level) {
  spdlog::set_level(spdlog::level::from_str(level));
}

void set_log_format(const std::string& format) {
  std::lock_guard<std::mutex> guard{log_mutex};
  log_format = format;
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& l) {
    l->set_formatter(make_log_formatter(format));
  });
}

} // namespace kagent
