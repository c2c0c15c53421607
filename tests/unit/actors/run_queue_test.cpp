#define CAF_SUITE actors.run_queue
#include "caf/test/dsl.hpp"

#include "actors/run_queue.hpp"
#include "core/uuid.hpp"

using namespace kagent;

namespace {

resumable_job fresh(int64_t created_at, int32_t budget = 0) {
  return {fresh_queued_record(new_uuid(), "alice", "https://www.kaggle.com/competitions/titanic",
                              "titanic", created_at, budget),
          {}, 0};
}

std::vector<std::string> drain(run_queue& q) {
  std::vector<std::string> out;
  while (q.has_next(true))
    out.push_back(q.pop().job.id);
  return out;
}

} // namespace

CAF_TEST(resumed jobs run before new ones whenever their page arrives) {
  run_queue q;
  auto a = fresh(10), b = fresh(1), c = fresh(11), d = fresh(2);
  CAF_CHECK(q.push_new(a));
  CAF_CHECK(q.push_resumed(b));
  CAF_CHECK(q.push_new(c));
  CAF_CHECK(q.push_resumed(d));  // a later page: after b, still before a and c
  CAF_CHECK_EQUAL(q.size(), 4u);
  CAF_CHECK_EQUAL(q.resumed(), 2u);
  auto order = drain(q);
  std::vector<std::string> want{b.job.id, d.job.id, a.job.id, c.job.id};
  CAF_CHECK_EQUAL(order, want);
  CAF_CHECK_EQUAL(q.size(), 0u);
}

CAF_TEST(new jobs wait while resumed ones may be missing) {
  run_queue q;
  auto n = fresh(10);
  q.push_new(n);
  CAF_CHECK(!q.has_next(false));
  CAF_CHECK(q.has_next(true));
  auto r = fresh(1);
  q.push_resumed(r);
  CAF_CHECK(q.has_next(false));
  CAF_CHECK_EQUAL(q.pop().job.id, r.job.id);
  CAF_CHECK(!q.has_next(false));
}

CAF_TEST(a queued job reads back exactly as committed) {
  run_queue q;
  auto plain = fresh(1234, 60);
  auto running = fresh(99);
  running.job.status = status::running;
  running.job.stage = "train";
  running.job.attempt = 2;
  running.job.metadata = R"({"stage": "train", "attempt": 2, "competition": "titanic"})";
  running.done["analyze"]["profile.json"] = "{}";
  running.last_seq = 7;
  // As read back from jsonb: other spacing and key order, the same value.
  auto spelled = fresh(55, 60);
  spelled.job.metadata = R"({"source": "api", "message": "Queued", "progress": 0.0,)"
                         R"( "competition": "titanic", "stage_progress": 0.0,)"
                         R"( "time_budget_seconds": 60})";
  for (auto* j : {&plain, &running, &spelled})
    CAF_REQUIRE(q.push_resumed(*j));
  auto got = q.find(plain.job.id);
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(got->metadata, plain.job.metadata);
  CAF_CHECK_EQUAL(got->created_at, 1234);
  CAF_CHECK_EQUAL(got->url, plain.job.url);
  CAF_CHECK_EQUAL(got->owner, "alice");
  got = q.find(running.job.id);
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(got->metadata, running.job.metadata);
  CAF_CHECK_EQUAL(got->stage, "train");
  CAF_REQUIRE(q.find(spelled.job.id));
  CAF_CHECK(!q.find(new_uuid()));
  CAF_CHECK(!q.find("not-a-uuid"));
  CAF_CHECK_EQUAL(q.pop().job.metadata, plain.job.metadata);
  auto second = q.pop();  // the whole resumable job: checkpoints and seq too
  CAF_CHECK_EQUAL(second.last_seq, 7);
  CAF_CHECK_EQUAL(second.done.count("analyze"), 1u);
  CAF_CHECK_EQUAL(second.job.attempt, 2);
}

CAF_TEST(ids are uuids and queued once) {
  run_queue q;
  auto a = fresh(1);
  CAF_CHECK(q.push_new(a));
  CAF_CHECK(!q.push_resumed(a));
  auto bad = fresh(2);
  bad.job.id = "old";
  CAF_CHECK(!q.push_new(bad));
  CAF_CHECK_EQUAL(q.size(), 1u);
  CAF_CHECK(q.contains(a.job.id));
}

CAF_TEST(a job taken out and put back is at the head of its section) {
  run_queue q;
  auto r1 = fresh(1), r2 = fresh(2), n1 = fresh(10), n2 = fresh(11);
  q.push_resumed(r1);
  q.push_resumed(r2);
  q.push_new(n1);
  q.push_new(n2);
  auto t = q.take(n2.job.id);
  CAF_REQUIRE(t);
  CAF_CHECK(!t->resumed);
  CAF_CHECK(!q.contains(n2.job.id));
  CAF_CHECK(q.put_back(t->job, t->resumed));
  auto r = q.take(r2.job.id);
  CAF_REQUIRE(r);
  CAF_CHECK(r->resumed);
  CAF_CHECK(q.put_back(r->job, r->resumed));
  auto order = drain(q);
  std::vector<std::string> want{r2.job.id, r1.job.id, n2.job.id, n1.job.id};
  CAF_CHECK_EQUAL(order, want);
  CAF_CHECK(!q.take(n1.job.id));
}
