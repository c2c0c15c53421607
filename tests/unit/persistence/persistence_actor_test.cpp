#define CAF_SUITE persistence.actor
#include "caf/test/dsl.hpp"

#include <algorithm>

#include "actors/messages.hpp"
#include "actors/persistence.hpp"
#include "persistence/job_repository.hpp"
#include "actors_fixture.hpp"

using namespace kagent;
using namespace kagent::test;

namespace {
using ok_reply = caf::expected<caf::ok_atom>;
} // namespace

CAF_TEST_FIXTURE_SCOPE(persistence_actor_tests, actors_fixture)

CAF_TEST(two hundred writes sent at once all commit in fewer transactions) {
  auto p = keep(spawn_persistence(*sys, conninfo));
  using handle = decltype((*self)->request(p, std::chrono::seconds(30), insert_atom::value,
                                           job_record{}));
  std::vector<handle> replies;
  for (int i = 0; i < 200; ++i)
    replies.push_back((*self)->request(p, std::chrono::seconds(30), insert_atom::value,
                                       make_job(i)));
  int ok = 0;
  for (auto& r : replies)
    r.receive([&](caf::ok_atom) { ++ok; },
              [&](caf::error& e) { CAF_FAIL("insert failed: " << text_of(e)); });
  CAF_CHECK_EQUAL(ok, 200);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM jobs"), 200);
  // Rows written by one transaction share its xmin: group commit happened.
  CAF_CHECK_LESS(count("SELECT count(DISTINCT xmin::text) FROM jobs"), 200);
}

CAF_TEST(writes of one batch commit in arrival order) {
  auto p = keep(spawn_persistence(*sys, conninfo));
  auto job = make_job();
  auto done = job;
  done.status = status::success;
  done.stage = "train";
  (*self)->send(p, insert_atom::value, job);
  (*self)->send(p, checkpoint_atom::value, job.id, std::string{"analyze"},
                stage_outputs{{"profile.json", "{}"}}, int64_t{12});
  (*self)->send(p, events_atom::value,
                std::vector<job_event>{{job.id, 1, now_ms(), "analyze", "log", "hi", -1}});
  (*self)->send(p, artifact_atom::value, job.id, std::string{"submission.csv"},
                std::string{"id\n1\n"});
  auto last = ask<caf::ok_atom>(p, update_atom::value, done);
  CAF_REQUIRE_EQUAL(text_of(last ? caf::error{} : last.error()), "");
  auto got = pg::get_job(*conn, job.id);
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(got->status, "success");
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM job_stages"), 1);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM job_events"), 1);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM artifacts"), 1);
}

CAF_TEST(a failing write gets its own error and the rest of its batch commits) {
  auto p = keep(spawn_persistence(*sys, conninfo));
  auto a = make_job();
  auto bad = make_job();
  bad.id = "not-a-uuid";
  auto c = make_job();
  auto ghost = make_job();
  auto h1 = (*self)->request(p, std::chrono::seconds(30), insert_atom::value, a);
  auto h2 = (*self)->request(p, std::chrono::seconds(30), insert_atom::value, bad);
  auto h3 = (*self)->request(p, std::chrono::seconds(30), events_atom::value,
                             std::vector<job_event>{{ghost.id, 1, 1, "", "log", "x", -1}});
  auto h4 = (*self)->request(p, std::chrono::seconds(30), update_atom::value, ghost);
  auto h5 = (*self)->request(p, std::chrono::seconds(30), insert_atom::value, c);
  std::vector<std::string> outcomes;
  for (auto* h : {&h1, &h2, &h3, &h4, &h5})
    h->receive([&](caf::ok_atom) { outcomes.push_back("ok"); },
               [&](caf::error& e) { outcomes.push_back(to_string(code_of(e))); });
  CAF_REQUIRE_EQUAL(outcomes.size(), 5u);
  CAF_CHECK_EQUAL(outcomes[0], "ok");
  CAF_CHECK_EQUAL(outcomes[1], "invalid_input");
  CAF_CHECK_EQUAL(outcomes[2], "invalid_input");
  CAF_CHECK_EQUAL(outcomes[3], "not_found");
  CAF_CHECK_EQUAL(outcomes[4], "ok");
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM jobs"), 2);
}

CAF_TEST(a bad row among inserts sent at once fails alone and the others commit together) {
  auto p = keep(spawn_persistence(*sys, conninfo));
  using handle = decltype((*self)->request(p, std::chrono::seconds(30), insert_atom::value,
                                           job_record{}));
  std::vector<handle> replies;
  for (int i = 0; i < 60; ++i) {
    auto job = make_job(i);
    if (i == 30)
      job.id = "not-a-uuid";
    replies.push_back((*self)->request(p, std::chrono::seconds(30), insert_atom::value, job));
  }
  std::vector<std::string> outcomes;
  for (auto& r : replies)
    r.receive([&](caf::ok_atom) { outcomes.push_back("ok"); },
              [&](caf::error& e) { outcomes.push_back(to_string(code_of(e))); });
  CAF_REQUIRE_EQUAL(outcomes.size(), 60u);
  CAF_CHECK_EQUAL(outcomes[30], "invalid_input");
  CAF_CHECK_EQUAL(std::count(outcomes.begin(), outcomes.end(), "ok"), 59);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM jobs"), 59);
  CAF_CHECK_LESS(count("SELECT count(DISTINCT xmin::text) FROM jobs"), 59);
}

CAF_TEST(a pool spreads inserts over its writers and sends the rest through the first) {
  auto pool = spawn_persistence_pool(*sys, conninfo, 3);
  CAF_REQUIRE_EQUAL(pool.writers.size(), 3u);
  for (auto& w : pool.writers)
    keep(w);
  keep(pool.front);
  using handle = decltype((*self)->request(pool.front, std::chrono::seconds(30),
                                           insert_atom::value, job_record{}));
  std::vector<handle> replies;
  for (int i = 0; i < 90; ++i)
    replies.push_back((*self)->request(pool.front, std::chrono::seconds(30), insert_atom::value,
                                       make_job(i)));
  int ok = 0;
  for (auto& r : replies)
    r.receive([&](caf::ok_atom) { ++ok; },
              [&](caf::error& e) { CAF_FAIL("insert failed: " << text_of(e)); });
  CAF_CHECK_EQUAL(ok, 90);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM jobs"), 90);
  // Three connections wrote them: at least three transactions.
  CAF_CHECK_GREATER_OR_EQUAL(count("SELECT count(DISTINCT xmin::text) FROM jobs"), 3);
  auto job = make_job();
  CAF_REQUIRE(ask<caf::ok_atom>(pool.front, insert_atom::value, job));
  job.status = status::running;
  (*self)->send(pool.front, events_atom::value,
                std::vector<job_event>{{job.id, 1, now_ms(), "analyze", "log", "hi", -1}});
  job.status = status::success;
  auto last = ask<caf::ok_atom>(pool.front, update_atom::value, job);
  CAF_REQUIRE_EQUAL(text_of(last ? caf::error{} : last.error()), "");
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM job_events"), 1);
  auto stats = ask<persistence_stats>(pool.front, stats_atom::value);
  CAF_CHECK(stats);
}

CAF_TEST(a lost connection is reconnected and the write retried) {
  auto p = keep(spawn_persistence(*sys, conninfo));
  CAF_REQUIRE(ask<caf::ok_atom>(p, insert_atom::value, make_job()));
  kill_other_backends();
  auto r = ask<caf::ok_atom>(p, insert_atom::value, make_job());
  CAF_CHECK_EQUAL(text_of(r ? caf::error{} : r.error()), "");
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM jobs"), 2);
}

CAF_TEST(an unreachable database answers db_unavailable instead of hanging) {
  auto p = keep(spawn_persistence(*sys, "host=/nonexistent-kagent-socket user=kagent"));
  auto r = ask<caf::ok_atom>(p, insert_atom::value, make_job());
  CAF_REQUIRE(!r);
  CAF_CHECK(code_of(r.error()) == errc::db_unavailable);
}

CAF_TEST(pending writes are flushed when the actor is told to exit) {
  auto p = spawn_persistence(*sys, conninfo);
  for (int i = 0; i < 20; ++i)
    (*self)->send(p, insert_atom::value, make_job(i));
  (*self)->send_exit(p, caf::exit_reason::user_shutdown);
  (*self)->wait_for(p);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM jobs"), 20);
}

CAF_TEST_FIXTURE_SCOPE_END()
