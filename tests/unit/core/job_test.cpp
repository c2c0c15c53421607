#define CAF_SUITE core.job
#include "caf/test/dsl.hpp"

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/job.hpp"
#include "core/uuid.hpp"

using namespace kagent;

CAF_TEST(new uuids are canonical and distinct) {
  auto a = new_uuid();
  auto b = new_uuid();
  CAF_CHECK(is_uuid(a));
  CAF_CHECK(is_uuid(b));
  CAF_CHECK_NOT_EQUAL(a, b);
  CAF_CHECK_EQUAL(a[14], '4');
}

CAF_TEST(uuid check rejects paths and near misses) {
  CAF_CHECK(!is_uuid("../etc/passwd"));
  CAF_CHECK(!is_uuid("123"));
  CAF_CHECK(!is_uuid("0000000-00000-0000-0000-000000000000"));
  CAF_CHECK(!is_uuid("g0000000-0000-0000-0000-000000000000"));
  CAF_CHECK(is_uuid("A0000000-0000-4000-8000-000000000000"));
}

CAF_TEST(terminal statuses are the four final ones) {
  CAF_CHECK(is_terminal("success"));
  CAF_CHECK(is_terminal("cancelled"));
  CAF_CHECK(!is_terminal("queued"));
  CAF_CHECK(!is_terminal("running"));
}

CAF_TEST(stages are numbered in pipeline order) {
  CAF_CHECK_EQUAL(stage_number("analyze"), 1);
  CAF_CHECK_EQUAL(stage_number("train"), 4);
  CAF_CHECK_EQUAL(stage_number("bogus"), 0);
}

CAF_TEST(iso8601 renders utc with offset) {
  CAF_CHECK_EQUAL(iso8601(0), "1970-01-01T00:00:00.000000+00:00");
  CAF_CHECK_EQUAL(iso8601(1700000000123), "2023-11-14T22:13:20.123000+00:00");
}

CAF_TEST(errors carry code and detail) {
  auto e = make_error(errc::queue_full, "too many");
  CAF_CHECK(code_of(e) == errc::queue_full);
  CAF_CHECK_EQUAL(detail_of(e), "too many");
  CAF_CHECK(code_of(caf::error{}) == errc::none);
}
