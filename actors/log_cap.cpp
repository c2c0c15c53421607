#include "actors/log_cap.hpp"

#include <string>

namespace kagent {

bool log_cap::admit(const job_event& ev) {
  if (keep_ == 0 || passed_ < keep_) {
    ++passed_;
    return true;
  }
  ring_.push_back(ev);
  if (ring_.size() > keep_) {
    ring_.pop_front();
    ++dropped_;
  }
  return false;
}

log_cap::tail log_cap::finish() {
  tail t;
  t.dropped = dropped_;
  t.last.assign(ring_.begin(), ring_.end());
  ring_.clear();
  passed_ = 0;
  dropped_ = 0;
  return t;
}

std::string log_cap::marker(size_t dropped) const {
  return std::to_string(dropped) + " output lines dropped (kept the first "
         + std::to_string(keep_) + " and the last " + std::to_string(keep_) + ")";
}

} // namespace kagent
