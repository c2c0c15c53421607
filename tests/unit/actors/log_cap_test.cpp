#define CAF_SUITE actors.log_cap
#include "caf/test/dsl.hpp"

#include "actors/log_cap.hpp"

using namespace kagent;

namespace {

job_event line(int i) {
  return job_event{"j", 0, i, "train", "log", "line " + std::to_string(i), -1};
}

} // namespace

CAF_TEST(the first and the last N lines of a step are kept and the rest counted) {
  log_cap cap{3};
  int passed = 0;
  for (int i = 1; i <= 10; ++i)
    passed += cap.admit(line(i));
  CAF_CHECK_EQUAL(passed, 3);
  auto t = cap.finish();
  CAF_CHECK_EQUAL(t.dropped, 4u);
  CAF_REQUIRE_EQUAL(t.last.size(), 3u);
  CAF_CHECK_EQUAL(t.last.front().message, "line 8");
  CAF_CHECK_EQUAL(t.last.back().message, "line 10");
  CAF_CHECK_EQUAL(cap.marker(t.dropped), "4 output lines dropped (kept the first 3 and the last 3)");
}

CAF_TEST(a short step drops nothing and every step starts afresh) {
  log_cap cap{3};
  for (int i = 1; i <= 5; ++i)
    cap.admit(line(i));
  auto t = cap.finish();
  CAF_CHECK_EQUAL(t.dropped, 0u);
  CAF_CHECK_EQUAL(t.last.size(), 2u);
  CAF_CHECK(cap.admit(line(6)));
  CAF_CHECK(cap.finish().last.empty());
}

CAF_TEST(zero keeps everything) {
  log_cap cap{0};
  for (int i = 1; i <= 5000; ++i)
    CAF_CHECK(cap.admit(line(i)));
  CAF_CHECK_EQUAL(cap.finish().dropped, 0u);
}
