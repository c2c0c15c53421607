#define CAF_SUITE cli.progress_view
#include "caf/test/dsl.hpp"

#include "cli/progress_view.hpp"

using namespace kagent::cli;

namespace {

stream_event ev(std::string stage, std::string kind, std::string message, double p = -1) {
  stream_event e;
  e.seq = 1;
  e.time = "2026-11-28T16:31:02.120000+00:00";
  e.stage = std::move(stage);
  e.kind = std::move(kind);
  e.message = std::move(message);
  e.progress = p;
  return e;
}

} // namespace

CAF_TEST(plain lines show stage percent and message) {
  CAF_CHECK_EQUAL(plain_line(ev("train", "progress", "fold 2/5 accuracy=0.81", 0.4)),
                  "[train] 40% fold 2/5 accuracy=0.81");
  CAF_CHECK_EQUAL(plain_line(ev("plan", "stage_started", "")), "[plan] started");
  CAF_CHECK_EQUAL(plain_line(ev("plan", "stage_finished", "")), "[plan] finished");
  CAF_CHECK_EQUAL(plain_line(ev("train", "log", "hello")), "[train] hello");
  CAF_CHECK_EQUAL(plain_line(ev("train", "retry", "exit 3")), "[train] retry: exit 3");
  CAF_CHECK_EQUAL(plain_line(ev("", "status", "failed: plan broke")), "status: failed: plan broke");
  CAF_CHECK_EQUAL(plain_line(ev("train", "log", "")), "");
}

CAF_TEST(stage output cannot inject escapes or line breaks) {
  CAF_CHECK_EQUAL(plain_line(ev("train", "log", "a\x1b[2Jb\nc")), "[train] a[2Jb c");
}

CAF_TEST(log lines look like the logs endpoint) {
  CAF_CHECK_EQUAL(log_line(ev("train", "progress", "fold 1/5", 0.2)),
                  "2026-11-28T16:31:02.120000+00:00 [train] progress: fold 1/5");
}

CAF_TEST(a fresh job shows four pending stages) {
  auto lines = render_bars(initial_progress(), 100);
  CAF_REQUIRE_EQUAL(lines.size(), 4u);
  CAF_CHECK_EQUAL(lines[0], "analyze  [........................]    -");
  CAF_CHECK_EQUAL(lines[3].substr(0, 9), "train    ");
}

CAF_TEST(events move bars and keep the last message) {
  auto s = initial_progress();
  apply(s, ev("analyze", "stage_started", ""));
  apply(s, ev("analyze", "stage_finished", "profile ready"));
  apply(s, ev("train", "stage_started", ""));
  apply(s, ev("train", "progress", "fold 2/4", 0.5));
  apply(s, ev("train", "log", "xgboost picked"));
  auto lines = render_bars(s, 100);
  CAF_CHECK_EQUAL(lines[0], "analyze  [########################]  done  profile ready");
  CAF_CHECK_EQUAL(lines[3], "train    [############............]  50%  xgboost picked");
}

CAF_TEST(a retry counts the attempt and restarts the bar) {
  auto s = initial_progress();
  apply(s, ev("plan", "progress", "half", 0.5));
  apply(s, ev("plan", "retry", "exit 3"));
  auto line = render_bars(s, 100)[1];
  CAF_CHECK_EQUAL(line, "plan     [........................]   0% (attempt 2)  retry: exit 3");
}

CAF_TEST(a failed status marks the running stage failed) {
  auto s = initial_progress();
  apply(s, ev("plan", "stage_started", ""));
  apply(s, ev("", "status", "failed: plan failed on purpose"));
  CAF_CHECK_EQUAL(s.final_status, "failed: plan failed on purpose");
  CAF_CHECK(s.stages[1].phase == stage_phase::failed);
  CAF_CHECK(render_bars(s, 100)[1].find("FAIL") != std::string::npos);
}

CAF_TEST(unknown stages get their own line) {
  auto s = initial_progress();
  apply(s, ev("validate", "progress", "checking", 0.1));
  CAF_CHECK_EQUAL(render_bars(s, 100).size(), 5u);
}

CAF_TEST(lines never exceed the terminal width even in utf8) {
  auto s = initial_progress();
  apply(s, ev("train", "progress", "ééééééééééééééééééééééééééééééééééééééé", 0.3));
  auto line = render_bars(s, 40)[3];
  CAF_CHECK_EQUAL(line.substr(line.size() - 3), "\xE2\x80\xA6");
  CAF_CHECK_EQUAL(fit_columns("héllo", 5), "héllo");
  CAF_CHECK_EQUAL(fit_columns("héllo", 3), "hé\xE2\x80\xA6");
  CAF_CHECK_EQUAL(fit_columns("héllo", 2), "h\xE2\x80\xA6");
}
