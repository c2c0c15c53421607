#define CAF_SUITE sources.range_resume
#include "caf/test/dsl.hpp"

#include "sources/range_resume.hpp"

using namespace kagent::sources;

CAF_TEST(content range headers are parsed strictly) {
  auto r = parse_content_range("bytes 100-199/1000");
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->first, 100);
  CAF_CHECK_EQUAL(r->last, 199);
  CAF_CHECK_EQUAL(r->total, 1000);
  auto star = parse_content_range("bytes 0-9/*");
  CAF_REQUIRE(star.has_value());
  CAF_CHECK_EQUAL(star->total, -1);
  auto unsat = parse_content_range("bytes */1000");
  CAF_REQUIRE(unsat.has_value());
  CAF_CHECK_EQUAL(unsat->first, -1);
  CAF_CHECK_EQUAL(unsat->total, 1000);
  for (auto bad : {"", "bytes", "bytes 5-4/10", "bytes 0-10/10", "items 0-1/2", "bytes 0-1/2 ",
                   "bytes */*", "bytes 1-2", "bytes -1-2/3", "bytes 99999999999999999999-1/2"})
    CAF_CHECK(!parse_content_range(bad).has_value());
}

CAF_TEST(a 206 that starts where the file ends is appended) {
  auto d = decide_resume(500, 206, "bytes 500-999/1000", 500);
  CAF_CHECK(d.action == resume_action::append);
  CAF_CHECK_EQUAL(d.total, 1000);
}

CAF_TEST(a 206 that starts elsewhere makes the download restart) {
  CAF_CHECK(decide_resume(500, 206, "bytes 400-999/1000", 600).action == resume_action::restart);
  CAF_CHECK(decide_resume(500, 206, "", 500).action == resume_action::fail);
}

CAF_TEST(a 200 to a range request replaces the partial file) {
  auto d = decide_resume(500, 200, "", 1000);
  CAF_CHECK(d.action == resume_action::truncate);
  CAF_CHECK_EQUAL(d.total, 1000);
  CAF_CHECK(decide_resume(0, 200, "", 1000).action == resume_action::append);
}

CAF_TEST(a 416 means done when the file already has every byte) {
  CAF_CHECK(decide_resume(1000, 416, "bytes */1000", -1).action == resume_action::complete);
  CAF_CHECK(decide_resume(1200, 416, "bytes */1000", -1).action == resume_action::restart);
  CAF_CHECK(decide_resume(0, 416, "bytes */1000", -1).action == resume_action::fail);
}

CAF_TEST(errors are not download answers) {
  CAF_CHECK(decide_resume(0, 403, "", 10).action == resume_action::fail);
  CAF_CHECK(decide_resume(10, 500, "", 10).action == resume_action::fail);
}
