#include "http/accept_backoff.hpp"

#include <algorithm>
#include <cerrno>

#include <boost/asio/error.hpp>

namespace kagent::http {

bool is_resource_exhaustion(const boost::system::error_code& ec) {
  if (ec.category() != boost::system::system_category())
    return false;
  switch (ec.value()) {
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
      return true;
    default:
      return false;
  }
}

accept_backoff::duration accept_backoff::on_exhausted() {
  next_ = next_.count() == 0 ? first_ : std::min(cap_, next_ * 2);
  return next_;
}

bool accept_backoff::should_log(time_point now) {
  if (logged_ && now - last_log_ < log_interval_) {
    ++suppressed_;
    return false;
  }
  logged_ = true;
  last_log_ = now;
  return true;
}

size_t accept_backoff::take_suppressed() {
  auto n = suppressed_;
  suppressed_ = 0;
  return n;
}

} // namespace kagent::http
