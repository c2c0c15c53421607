// Per-key limits on POST /run (issue 9) as a plain class: a token bucket per
// owner (N jobs per minute, refilled continuously, at most N at once) that
// also says how long until the next token (Retry-After). Admission uses it.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace kagent {

/// Token buckets, one per owner.
class rate_limit {
public:
  /// `per_minute` submissions per owner and minute; 0 = no limit.
  explicit rate_limit(int per_minute = 10) : per_minute_(per_minute) {
  }

  /// Takes a token for `owner` at `now_ms`: 0 when it may go ahead, else the
  /// seconds (at least 1) until a token is there.
  int take(const std::string& owner, int64_t now_ms);

  /// Gives a token back (the request was refused for another reason).
  void refund(const std::string& owner);

private:
  struct bucket {
    double tokens = 0;
    int64_t at_ms = 0;
  };
  int per_minute_;
  std::unordered_map<std::string, bucket> buckets_;
};

} // namespace kagent
