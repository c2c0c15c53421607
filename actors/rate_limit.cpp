#include "actors/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace kagent {

int rate_limit::take(const std::string& owner, int64_t now_ms) {
  if (per_minute_ <= 0)
    return 0;
  auto cap = static_cast<double>(per_minute_);
  auto [it, fresh] = buckets_.try_emplace(owner, bucket{cap, now_ms});
  auto& b = it->second;
  auto per_ms = cap / 60'000.0;
  b.tokens = std::min(cap, b.tokens + static_cast<double>(std::max<int64_t>(0, now_ms - b.at_ms))
                                        * per_ms);
  b.at_ms = now_ms;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / per_ms / 1000.0)));
}

void rate_limit::refund(const std::string& owner) {
  auto it = buckets_.find(owner);
  if (it != buckets_.end())
    it->second.tokens = std::min(static_cast<double>(per_minute_), it->second.tokens + 1.0);
}

} // namespace kagent
