// libFuzzer target: one stdout line of a stage (actors/stage_line).
#include <cstddef>
#include <cstdint>
#include <string>

#include "actors/stage_line.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto l = kagent::parse_stage_line(std::string(reinterpret_cast<const char*>(data), size));
  if (l.kind == "progress" && !(l.progress >= 0.0 && l.progress <= 1.0))
    __builtin_trap();  // progress is always clamped into 0..1
  return 0;
}
