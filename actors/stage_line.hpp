// The stage stdout protocol (docs/ARCHITECTURE.md, the pipeline) as one pure function: a line that is
// a JSON object with "progress" (a number) is progress, one with "error" an
// error report, anything else is log. The launcher's to_event
// (actors/stage_output.cpp) reads every stdout line through it; fuzzed in
// tests/fuzz/fuzz_stage_line.cpp. Parsed iteratively: a stage printing deeply
// nested brackets must not exhaust kagentd's stack.
#pragma once

#include <string>

namespace kagent {

/// What one stdout line of a stage says.
struct stage_line {
  std::string kind = "log";  ///< "log" or "progress"
  std::string message;       ///< the line, the progress message, or the error text
  double progress = -1;      ///< 0..1 for progress, -1 otherwise
  bool is_error = false;     ///< an {"error": ...} line
};

/// Parses one line of a stage's stdout.
stage_line parse_stage_line(const std::string& line);

} // namespace kagent
