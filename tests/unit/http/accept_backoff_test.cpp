#define CAF_SUITE http.accept_backoff
#include "caf/test/dsl.hpp"

#include <cerrno>

#include "http/accept_backoff.hpp"

using namespace kagent::http;
using ms = std::chrono::milliseconds;

CAF_TEST(descriptor exhaustion is told apart from other accept errors) {
  auto sys = [](int e) { return boost::system::error_code{e, boost::system::system_category()}; };
  CAF_CHECK(is_resource_exhaustion(sys(EMFILE)));
  CAF_CHECK(is_resource_exhaustion(sys(ENFILE)));
  CAF_CHECK(is_resource_exhaustion(sys(ENOBUFS)));
  CAF_CHECK(!is_resource_exhaustion(sys(ECONNABORTED)));
  CAF_CHECK(!is_resource_exhaustion(boost::system::error_code{}));
}

CAF_TEST(pauses double from the first up to the cap and restart after a success) {
  accept_backoff b{ms{50}, ms{400}};
  CAF_CHECK_EQUAL(b.on_exhausted().count(), 50);
  CAF_CHECK_EQUAL(b.on_exhausted().count(), 100);
  CAF_CHECK_EQUAL(b.on_exhausted().count(), 200);
  CAF_CHECK_EQUAL(b.on_exhausted().count(), 400);
  CAF_CHECK_EQUAL(b.on_exhausted().count(), 400);
  b.on_accepted();
  CAF_CHECK_EQUAL(b.on_exhausted().count(), 50);
}

CAF_TEST(a warning is logged at most once per interval and the rest are counted) {
  accept_backoff b{ms{50}, ms{1000}, ms{10000}};
  auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  CAF_CHECK(b.should_log(t0));
  for (int i = 1; i <= 100; ++i)
    CAF_CHECK(!b.should_log(t0 + ms{i * 50}));
  CAF_CHECK(b.should_log(t0 + ms{10000}));
  CAF_CHECK_EQUAL(b.take_suppressed(), 100u);
  CAF_CHECK_EQUAL(b.take_suppressed(), 0u);
}
