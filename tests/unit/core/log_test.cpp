#define CAF_SUITE core.log
#include "caf/test/dsl.hpp"

#include <sstream>

#include <rapidjson/document.h>
#include <spdlog/sinks/ostream_sink.h>

#include "core/log.hpp"
#include "core/log_format.hpp"

using namespace kagent;

namespace {

// Lines a logger with `format` writes for `messages`.
std::vector<std::string> lines_of(const std::string& format,
                                  const std::vector<std::string>& messages) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger log{"test", sink};
  log.set_formatter(make_log_formatter(format));
  for (auto& m : messages)
    log.warn("{}", m);
  log.flush();
  std::vector<std::string> lines;
  std::istringstream in{out.str()};
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

} // namespace

CAF_TEST(json log lines are one object each with time level logger and message) {
  auto lines = lines_of("json", {"job started job_id=1", "quote \" backslash \\ tab \t end",
                                 "two\nlines", std::string{"ctl \x01 byte"}});
  CAF_REQUIRE_EQUAL(lines.size(), 4u);
  for (auto& line : lines) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    CAF_REQUIRE(!doc.HasParseError());
    CAF_CHECK(doc.IsObject());
    CAF_CHECK(doc.HasMember("time") && doc["time"].IsString());
    CAF_CHECK_EQUAL(std::string{doc["level"].GetString()}, "warning");
    CAF_CHECK_EQUAL(std::string{doc["logger"].GetString()}, "test");
  }
  rapidjson::Document doc;
  doc.Parse(lines[2].c_str());
  CAF_CHECK_EQUAL(std::string{doc["message"].GetString()}, "two\nlines");
  doc.Parse(lines[0].c_str());
  auto time = std::string{doc["time"].GetString()};
  CAF_CHECK_EQUAL(time.size(), 24u); // 2026-12-01T21:07:48.123Z
  CAF_CHECK_EQUAL(time.back(), 'Z');
}

CAF_TEST(text log lines keep the human format) {
  auto lines = lines_of("text", {"hello"});
  CAF_REQUIRE_EQUAL(lines.size(), 1u);
  CAF_CHECK(lines[0].find("[test] hello") != std::string::npos);
}
