#include "cli/stream_cursor.hpp"

#include <algorithm>

namespace kagent::cli {

bool stream_cursor::accept(int64_t seq) {
  if (seq <= last_) {
    ++duplicates_;
    return false;
  }
  missing_ += seq - last_ - 1;
  last_ = seq;
  return true;
}

std::optional<std::chrono::milliseconds> reconnect_policy::next_delay() {
  if (failures_ >= max_tries_)
    return std::nullopt;
  // 250 ms, 500 ms, 1 s, 2 s, 4 s, 4 s...: a restarting server gets ~12 s.
  auto ms = std::min<int64_t>(int64_t{base_ms_} * 16, int64_t{base_ms_} << std::min(failures_, 5));
  ++failures_;
  return std::chrono::milliseconds{ms};
}

} // namespace kagent::cli
