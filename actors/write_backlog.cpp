#include "actors/write_backlog.hpp"

#include <algorithm>

namespace kagent {

namespace {

constexpr std::chrono::milliseconds first_delay{100};
constexpr std::chrono::milliseconds max_delay{2000};

} // namespace

bool write_backlog::admit(size_t bytes) {
  if (writes_ + 1 > max_writes_ || bytes_ + bytes > max_bytes_) {
    ++refused_;
    return false;
  }
  ++writes_;
  bytes_ += bytes;
  return true;
}

void write_backlog::release(size_t bytes) {
  writes_ -= std::min<size_t>(writes_, 1);
  bytes_ -= std::min(bytes_, bytes);
}

void write_backlog::recovered() {
  since_ms_ = 0;
  delay_ = std::chrono::milliseconds{0};
}

std::chrono::milliseconds write_backlog::next_delay() {
  delay_ = delay_.count() == 0 ? first_delay : std::min(max_delay, delay_ * 2);
  return delay_;
}

} // namespace kagent
