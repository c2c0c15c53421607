// What the accept loop does when the process is out of file descriptors
// (EMFILE/ENFILE): the pending connection stays in the backlog, so the
// listening socket stays readable and an immediate retry spins. Instead it
// waits, doubling the pause up to a cap, and logs at most once per interval.
// Pure; the listener carries it out.
#pragma once

#include <chrono>
#include <cstddef>

#include <boost/system/error_code.hpp>

namespace kagent::http {

/// True for accept errors that mean "no descriptors or buffers left".
bool is_resource_exhaustion(const boost::system::error_code& ec);

/// The pause schedule and the log limiter of one accept loop.
class accept_backoff {
public:
  using duration = std::chrono::milliseconds;
  using time_point = std::chrono::steady_clock::time_point;

  /// Pauses start at `first`, double per failure and stop growing at `cap`.
  explicit accept_backoff(duration first = duration{50}, duration cap = duration{1000},
                          duration log_interval = duration{10000})
    : first_(first), cap_(cap), log_interval_(log_interval) {
  }

  /// After an accept failed for lack of resources: how long to wait.
  duration on_exhausted();

  /// After an accept succeeded: the next failure starts from `first` again.
  void on_accepted() {
    next_ = duration{0};
  }

  /// True when a warning may be written at `now` (at most one per interval);
  /// the failures not logged are counted and handed out by take_suppressed().
  bool should_log(time_point now);

  /// Failures not logged since the last logged one; resets the count.
  size_t take_suppressed();

private:
  duration first_;
  duration cap_;
  duration log_interval_;
  duration next_{0};
  time_point last_log_{};
  bool logged_ = false;
  size_t suppressed_ = 0;
};

} // namespace kagent::http
