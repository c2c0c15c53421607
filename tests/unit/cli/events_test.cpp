#define CAF_SUITE cli.events
#include "caf/test/dsl.hpp"

#include "cli/events.hpp"
#include "cli/exit_code.hpp"
#include "cli/stream_cursor.hpp"

using namespace kagent::cli;

CAF_TEST(an event frame carries every field) {
  auto m = parse_ws_message(
      R"({"type":"event","job_id":"j1","seq":12,"time":"2026-11-28T16:31:02.120000+00:00",)"
      R"("stage":"train","kind":"progress","message":"fold 2/5 accuracy=0.81","progress":0.4})");
  CAF_REQUIRE(m.type == message_type::event);
  CAF_CHECK_EQUAL(m.event.job_id, "j1");
  CAF_CHECK_EQUAL(m.event.seq, 12);
  CAF_CHECK_EQUAL(m.event.stage, "train");
  CAF_CHECK_EQUAL(m.event.kind, "progress");
  CAF_CHECK_EQUAL(m.event.message, "fold 2/5 accuracy=0.81");
  CAF_CHECK_EQUAL(m.event.progress, 0.4);
}

CAF_TEST(a null stage and an integer progress are fine) {
  auto m = parse_ws_message(
      R"({"type":"event","seq":3,"stage":null,"kind":"status","message":"success","progress":-1})");
  CAF_REQUIRE(m.type == message_type::event);
  CAF_CHECK_EQUAL(m.event.stage, "");
  CAF_CHECK_EQUAL(m.event.progress, -1.0);
}

CAF_TEST(the end frame carries the final status) {
  auto m = parse_ws_message(R"({"type":"end","job_id":"j1","status":"cancelled"})");
  CAF_REQUIRE(m.type == message_type::end);
  CAF_CHECK_EQUAL(m.status, "cancelled");
}

CAF_TEST(broken or foreign frames are not events) {
  CAF_CHECK(parse_ws_message("not json").type == message_type::invalid);
  CAF_CHECK(parse_ws_message("[1,2]").type == message_type::invalid);
  CAF_CHECK(parse_ws_message(R"({"type":"event","kind":"log"})").type == message_type::invalid);
  CAF_CHECK(parse_ws_message(R"({"type":"event","seq":0})").type == message_type::invalid);
  CAF_CHECK(parse_ws_message(R"({"type":"job","job":{}})").type == message_type::other);
}

CAF_TEST(only success exits zero) {
  CAF_CHECK_EQUAL(exit_code_for_status("success"), exit_ok);
  CAF_CHECK_EQUAL(exit_code_for_status("failed: plan broke"), exit_job_failed);
  CAF_CHECK_EQUAL(exit_code_for_status("timeout"), exit_job_failed);
  CAF_CHECK_EQUAL(exit_code_for_status("cancelled"), exit_job_failed);
  CAF_CHECK(is_terminal_status("failed: x"));
  CAF_CHECK(!is_terminal_status("running"));
}

CAF_TEST(the cursor resumes after the last event and drops repeats) {
  stream_cursor c;
  CAF_CHECK_EQUAL(c.since(), 0);
  CAF_CHECK(c.accept(1));
  CAF_CHECK(c.accept(2));
  CAF_CHECK(c.accept(3));
  CAF_CHECK_EQUAL(c.since(), 3);
  // A server that replays from an older seq after a reconnect:
  CAF_CHECK(!c.accept(2));
  CAF_CHECK(!c.accept(3));
  CAF_CHECK(c.accept(4));
  CAF_CHECK_EQUAL(c.duplicates(), 2);
  CAF_CHECK_EQUAL(c.missing(), 0);
  CAF_CHECK(c.accept(7));
  CAF_CHECK_EQUAL(c.missing(), 2);
  CAF_CHECK_EQUAL(c.since(), 7);
}

CAF_TEST(backoff doubles up to a cap then gives up and a connect starts over) {
  reconnect_policy p{6};
  std::vector<int64_t> delays;
  while (auto d = p.next_delay())
    delays.push_back(d->count());
  CAF_CHECK_EQUAL(delays, (std::vector<int64_t>{250, 500, 1000, 2000, 4000, 4000}));
  CAF_CHECK_EQUAL(p.failures(), 6);
  p.on_connected();
  CAF_CHECK_EQUAL(p.next_delay()->count(), 250);
}
