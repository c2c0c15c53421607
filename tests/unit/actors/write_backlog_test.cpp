#define CAF_SUITE actors.write_backlog
#include "caf/test/dsl.hpp"

#include "actors/write_backlog.hpp"

using namespace kagent;

CAF_TEST(an outage lasts from the first failed write until recovered) {
  write_backlog b;
  CAF_CHECK(!b.outage());
  b.down(1000);
  b.down(2000);
  CAF_CHECK(b.outage());
  CAF_CHECK_EQUAL(b.since_ms(), 1000);
  b.recovered();
  CAF_CHECK(!b.outage());
}

CAF_TEST(held writes are bounded by count and by bytes) {
  write_backlog b{3, 100};
  CAF_CHECK(b.admit(40));
  CAF_CHECK(b.admit(40));
  CAF_CHECK(!b.admit(40));  // 120 bytes > 100
  CAF_CHECK(b.admit(10));
  CAF_CHECK(!b.admit(1));   // a fourth write
  CAF_CHECK_EQUAL(b.writes(), 3u);
  CAF_CHECK_EQUAL(b.bytes(), 90u);
  CAF_CHECK_EQUAL(b.refused(), 2);
  b.release(40);
  CAF_CHECK_EQUAL(b.writes(), 2u);
  CAF_CHECK_EQUAL(b.bytes(), 50u);
}

CAF_TEST(retries wait 100 ms doubling to 2 s and start over after a recovery) {
  write_backlog b;
  int want[] = {100, 200, 400, 800, 1600, 2000, 2000};
  for (int w : want)
    CAF_CHECK_EQUAL(b.next_delay().count(), w);
  b.recovered();
  CAF_CHECK_EQUAL(b.next_delay().count(), 100);
}
