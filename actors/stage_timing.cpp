#include "actors/stage_timing.hpp"

#include <algorithm>

namespace kagent {

void stage_timing::add_run(int64_t run_us) {
  run_us_ += std::max<int64_t>(0, run_us);
}

int64_t stage_timing::overhead_us(int64_t committed_us) const {
  return std::max<int64_t>(0, committed_us - submitted_us_ - run_us_);
}

} // namespace kagent
