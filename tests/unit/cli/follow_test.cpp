#define CAF_SUITE cli.follow
#include "caf/test/dsl.hpp"

#include <sstream>

#include "cli/exit_code.hpp"
#include "cli/follow.hpp"
#include "fake_server.hpp"

using namespace kagent::cli;
using namespace kagent::cli::testing;

namespace {

// Remembers everything a follow shows.
struct recording_sink : follow_sink {
  std::vector<int64_t> seqs;
  std::vector<std::string> notices;
  std::string finished;
  void on_event(const stream_event& ev) override { seqs.push_back(ev.seq); }
  void notice(const std::string& text) override { notices.push_back(text); }
  void finish(const std::string& status) override { finished = status; }
};

struct fixture {
  recording_sink sink;
  std::ostringstream err;

  int follow(fake_server& srv, int max_tries = 3) {
    http_client http{srv.base(), ""};
    follow_target t{srv.base(), "", "j1", max_tries, 10};
    return follow_job(t, http, sink, err);
  }
};

std::vector<int64_t> seq_range(int64_t from, int64_t to) {
  std::vector<int64_t> xs;
  for (auto i = from; i <= to; ++i)
    xs.push_back(i);
  return xs;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(follow_tests, fixture)

CAF_TEST(a job that succeeds is followed to the end and exits zero) {
  fake_server srv{{ws_send({event_frame(1, "analyze", "stage_started", ""),
                            event_frame(2, "analyze", "progress", "half", 0.5),
                            event_frame(3, "", "status", "success"), end_frame("success")})}};
  CAF_CHECK_EQUAL(follow(srv), exit_ok);
  CAF_CHECK_EQUAL(sink.seqs, seq_range(1, 3));
  CAF_CHECK_EQUAL(sink.finished, "success");
  CAF_CHECK_EQUAL(srv.targets(), std::vector<std::string>{"/ws/jobs/j1?since=0"});
}

CAF_TEST(a slow consumer close resumes from the last seq without repeats) {
  fake_server srv{
      {ws_send({event_frame(1, "plan", "stage_started", ""),
                event_frame(2, "plan", "progress", "a", 0.2),
                event_frame(3, "plan", "progress", "b", 0.4)},
               4000, "slow consumer; resume with since=3"),
       // A server that replays a little too much: the CLI drops repeats.
       ws_send({event_frame(3, "plan", "progress", "b", 0.4),
                event_frame(4, "plan", "stage_finished", ""),
                event_frame(5, "", "status", "failed: plan broke"), end_frame("failed")})}};
  CAF_CHECK_EQUAL(follow(srv), exit_job_failed);
  CAF_CHECK_EQUAL(sink.seqs, seq_range(1, 5));
  CAF_CHECK_EQUAL(sink.finished, "failed");
  CAF_CHECK_EQUAL(srv.targets(),
                  (std::vector<std::string>{"/ws/jobs/j1?since=0", "/ws/jobs/j1?since=3"}));
  CAF_CHECK_EQUAL(sink.notices.size(), 1u);
}

CAF_TEST(a dropped connection reconnects with since and loses nothing) {
  fake_server srv{
      {ws_send({event_frame(1, "train", "progress", "x", 0.1),
                event_frame(2, "train", "progress", "y", 0.2)},
               0),
       ws_send({event_frame(3, "train", "stage_finished", ""), end_frame("cancelled")})}};
  CAF_CHECK_EQUAL(follow(srv), exit_job_failed);
  CAF_CHECK_EQUAL(sink.seqs, seq_range(1, 3));
  auto targets = srv.targets();
  CAF_CHECK_EQUAL(targets.back(), "/ws/jobs/j1?since=2");
}

CAF_TEST(a normal close without the end frame asks the status) {
  fake_server srv{{ws_send({event_frame(1, "", "status", "success")}, 1000),
                   http_answer(200, R"({"job_id":"j1","status":"success"})")}};
  CAF_CHECK_EQUAL(follow(srv), exit_ok);
  CAF_CHECK_EQUAL(sink.finished, "success");
  auto targets = srv.targets();
  CAF_CHECK_EQUAL(targets.back(), "/status/j1");
}

CAF_TEST(an unknown job is exit four) {
  fake_server srv{{http_answer(404, R"({"detail":"Job not found"})"),
                   http_answer(404, R"({"detail":"Job not found"})")}};
  CAF_CHECK_EQUAL(follow(srv), exit_not_found);
  CAF_CHECK(err.str().find("not found") != std::string::npos);
}

CAF_TEST(a server without the stream endpoint is exit three with a clear message) {
  fake_server srv{{http_answer(404, R"({"detail":"Not found"})"),
                   http_answer(200, R"({"job_id":"j1","status":"running"})")}};
  CAF_CHECK_EQUAL(follow(srv), exit_unreachable);
  CAF_CHECK(err.str().find("does not offer live events") != std::string::npos);
}

CAF_TEST(an unreachable server is exit three at once) {
  std::string base;
  {
    fake_server gone{{}};
    base = gone.base();
  }
  http_client http{base, ""};
  follow_target t{base, "", "j1", 2, 5};
  CAF_CHECK_EQUAL(follow_job(t, http, sink, err), exit_unreachable);
  CAF_CHECK_EQUAL(sink.notices.size(), 0u);
  CAF_CHECK(err.str().find("cannot reach server " + base) != std::string::npos);
}

CAF_TEST(a server that keeps dropping the stream is given up on with exit three) {
  auto drop = ws_send({}, 0);
  fake_server srv{{drop, drop, drop}};
  CAF_CHECK_EQUAL(follow(srv, 2), exit_unreachable);
  CAF_CHECK_EQUAL(sink.notices.size(), 2u);
  CAF_CHECK(err.str().find("lost the event stream of job j1") != std::string::npos);
  CAF_CHECK_EQUAL(srv.targets().size(), 3u);
}

CAF_TEST(an https server is refused before connecting) {
  http_client http{"https://x", ""};
  follow_target t{"https://x", "", "j1", 2, 5};
  CAF_CHECK_EQUAL(follow_job(t, http, sink, err), exit_usage);
}

CAF_TEST_FIXTURE_SCOPE_END()
