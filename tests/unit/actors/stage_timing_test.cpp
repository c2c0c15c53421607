#define CAF_SUITE actors.stage_timing
#include "caf/test/dsl.hpp"

#include "actors/stage_timing.hpp"

using namespace kagent;

CAF_TEST(the overhead is the elapsed time minus the run time of every step) {
  stage_timing t;
  t.start(1'000'000);
  t.add_run(40'000);  // solution.py
  t.add_run(10'000);  // validate
  CAF_CHECK_EQUAL(t.run_us(), 50'000);
  CAF_CHECK_EQUAL(t.overhead_us(1'050'750), 750);
}

CAF_TEST(a new attempt forgets the runs of the last) {
  stage_timing t;
  t.start(0);
  t.add_run(500);
  t.start(10'000);
  CAF_CHECK_EQUAL(t.run_us(), 0);
  CAF_CHECK_EQUAL(t.overhead_us(10'300), 300);
}

CAF_TEST(the overhead is never negative) {
  stage_timing t;
  t.start(0);
  t.add_run(2'000);   // a remote node's clock ran faster
  t.add_run(-5);      // a run time that makes no sense counts as none
  CAF_CHECK_EQUAL(t.run_us(), 2'000);
  CAF_CHECK_EQUAL(t.overhead_us(1'500), 0);
}
