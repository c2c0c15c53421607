#define CAF_SUITE actors.stage_line
#include "caf/test/dsl.hpp"

#include "actors/stage_line.hpp"

using namespace kagent;

CAF_TEST(progress lines are clamped and carry their message) {
  auto l = parse_stage_line(R"({"progress": 0.4, "message": "fold 2/5"})");
  CAF_CHECK_EQUAL(l.kind, "progress");
  CAF_CHECK_EQUAL(l.progress, 0.4);
  CAF_CHECK_EQUAL(l.message, "fold 2/5");
  CAF_CHECK_EQUAL(parse_stage_line(R"({"progress": 7})").progress, 1.0);
  CAF_CHECK_EQUAL(parse_stage_line(R"({"progress": -1})").progress, 0.0);
}

CAF_TEST(error lines and everything else) {
  auto e = parse_stage_line(R"({"error": "no target column"})");
  CAF_CHECK(e.is_error);
  CAF_CHECK_EQUAL(e.message, "no target column");
  CAF_CHECK_EQUAL(e.kind, "log");
  for (auto s : {"plain", "{broken", "[1,2]", R"({"progress": "x"})", ""}) {
    auto l = parse_stage_line(s);
    CAF_CHECK_EQUAL(l.kind, "log");
    CAF_CHECK_EQUAL(l.message, s);
  }
}
