// The persistence actor's bookkeeping for a database outage, as a plain
// class: whether the database is away and since when, how many writes and
// bytes wait for it (bounded), and the retry schedule (100 ms doubling to
// 2 s). The writes themselves stay in the actor.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace kagent {

/// Counts and bounds the writes held during an outage.
class write_backlog {
public:
  /// Writes and bytes held at most; beyond either, writes are refused.
  explicit write_backlog(size_t max_writes = 200000, size_t max_bytes = size_t{512} << 20)
    : max_writes_(max_writes), max_bytes_(max_bytes) {
  }

  /// Marks the database away from `now_ms` on (kept if already away).
  void down(int64_t now_ms) {
    if (since_ms_ == 0)
      since_ms_ = now_ms;
  }

  /// Takes a write of `bytes` into the backlog, or refuses it (false) when
  /// that would pass a bound.
  bool admit(size_t bytes);

  /// A held write left the backlog (it is being retried).
  void release(size_t bytes);

  /// The database took everything: the outage is over.
  void recovered();

  /// The pause before the next retry; doubles per call up to the cap.
  std::chrono::milliseconds next_delay();

  /// True from the first failed write until recovered().
  bool outage() const {
    return since_ms_ != 0;
  }

  int64_t since_ms() const {
    return since_ms_;
  }
  size_t writes() const {
    return writes_;
  }
  size_t bytes() const {
    return bytes_;
  }
  /// Writes refused because the backlog was full, since start.
  int64_t refused() const {
    return refused_;
  }

private:
  size_t max_writes_;
  size_t max_bytes_;
  size_t writes_ = 0;
  size_t bytes_ = 0;
  int64_t since_ms_ = 0;
  int64_t refused_ = 0;
  std::chrono::milliseconds delay_{0};
};

} // namespace kagent
