#define CAF_SUITE actors.stage_line
#include "caf/test/dsl.hpp"

#include "actors/stage_line.hpp"
#include "actors/stage_output.hpp"

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

// The launcher reads every stdout line of an untrusted stage: a line of a
// million nested brackets is a log line, not a crash of kagentd's stack.
CAF_TEST(the launcher turns a deeply nested line into a log event) {
  stage_request req;
  req.job_id = "j";
  req.stage = "train";
  line_memory mem;
  std::string deep = "{\"a\":" + std::string(1000000, '[');
  auto ev = to_event(req, sandbox::child_stream::out, deep, mem);
  CAF_CHECK_EQUAL(ev.kind, "log");
  CAF_CHECK_EQUAL(ev.message.size(), deep.size());
  auto p = to_event(req, sandbox::child_stream::out, R"({"progress": 0.5, "message": "fold 1/5"})", mem);
  CAF_CHECK_EQUAL(p.kind, "progress");
  CAF_CHECK_EQUAL(p.message, "fold 1/5");
  auto e = to_event(req, sandbox::child_stream::out, R"({"error": "no target"})", mem);
  CAF_CHECK_EQUAL(mem.json_error, "no target");
  CAF_CHECK_EQUAL(e.message, "no target");
}
