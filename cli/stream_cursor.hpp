// Reconnect bookkeeping for a followed job stream: which seq to resume from,
// which events were already shown, and how long to wait before trying again.
// Pure logic, no I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace kagent::cli {

/// Tracks the last event shown so a reconnect neither loses nor repeats any.
class stream_cursor {
public:
  /// True when `seq` is new (then it becomes the last seen); false for a repeat.
  bool accept(int64_t seq);

  /// The `since` to send on (re)connect: the last seq shown, 0 at first.
  int64_t since() const { return last_; }

  /// How many events arrived again and were dropped.
  int64_t duplicates() const { return duplicates_; }

  /// How many seq numbers were skipped by the server (should stay 0).
  int64_t missing() const { return missing_; }

private:
  int64_t last_ = 0;
  int64_t duplicates_ = 0;
  int64_t missing_ = 0;
};

/// Backoff between reconnect attempts; a successful connect starts over.
class reconnect_policy {
public:
  /// `max_tries` consecutive failed attempts before giving up; the first
  /// wait is `base_ms`, doubling up to 16 times that.
  explicit reconnect_policy(int max_tries = 6, int base_ms = 250)
      : max_tries_(max_tries), base_ms_(base_ms) {}

  /// Call when a connection was established (handshake done).
  void on_connected() { failures_ = 0; }

  /// The wait before the next attempt, or nullopt to give up.
  std::optional<std::chrono::milliseconds> next_delay();

  /// Consecutive failures so far.
  int failures() const { return failures_; }

private:
  int max_tries_;
  int base_ms_;
  int failures_ = 0;
};

} // namespace kagent::cli
