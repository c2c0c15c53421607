#include "core/job.hpp"

#include <algorithm>

namespace kagent {

const std::vector<std::string>& all_statuses() {
  static const std::vector<std::string> xs{status::queued,  status::running,
                                           status::success, status::failed,
                                           status::timeout, status::cancelled};
  return xs;
}

bool is_terminal(const std::string& s) {
  return s == status::success || s == status::failed || s == status::timeout
         || s == status::cancelled;
}

const std::vector<std::string>& all_stages() {
  static const std::vector<std::string> xs{"analyze", "plan", "generate", "train"};
  return xs;
}

int stage_number(const std::string& stage) {
  auto& xs = all_stages();
  auto i = std::find(xs.begin(), xs.end(), stage);
  return i == xs.end() ? 0 : static_cast<int>(i - xs.begin()) + 1;
}

} // namespace kagent
