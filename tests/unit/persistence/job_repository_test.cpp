#define CAF_SUITE persistence.job_repository
#include "caf/test/dsl.hpp"

#include "persistence/job_repository.hpp"
#include "pg_fixture.hpp"

using namespace kagent;
using namespace kagent::test;

CAF_TEST_FIXTURE_SCOPE(job_repository_tests, db_fixture)

CAF_TEST(migrations run twice and record each version once) {
  CAF_CHECK_EQUAL(text_of(pg::migrate(*conn)), "");
  CAF_CHECK_EQUAL(text_of(pg::migrate(*conn)), "");
  auto version = pg::current_schema_version(*conn);
  CAF_REQUIRE(version);
  CAF_CHECK_EQUAL(*version, pg::latest_schema_version());
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM schema_migrations"), pg::latest_schema_version());
}

CAF_TEST(an inserted job reads back the same with null timestamps and jsonb metadata) {
  auto job = make_job();
  job.created_at = 1700000000123;
  CAF_REQUIRE_EQUAL(text_of(pg::insert_job(*conn, job)), "");
  auto got = pg::get_job(*conn, job.id);
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(got->id, job.id);
  CAF_CHECK_EQUAL(got->owner, "alice");
  CAF_CHECK_EQUAL(got->url, job.url);
  CAF_CHECK_EQUAL(got->competition, "titanic");
  CAF_CHECK_EQUAL(got->status, "queued");
  CAF_CHECK_EQUAL(got->stage, "");
  CAF_CHECK_EQUAL(got->attempt, 0);
  CAF_CHECK_EQUAL(got->created_at, 1700000000123);
  CAF_CHECK_EQUAL(got->started_at, 0);
  CAF_CHECK_EQUAL(got->completed_at, 0);
  CAF_CHECK_EQUAL(got->metadata, R"({"progress": "Queued"})");
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM jobs WHERE started_at IS NULL"
                        " AND completed_at IS NULL"),
                  1);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM jobs WHERE metadata->>'progress' = 'Queued'"), 1);
}

CAF_TEST(an update writes every mutable column) {
  auto job = make_job();
  CAF_REQUIRE_EQUAL(text_of(pg::insert_job(*conn, job)), "");
  job.status = status::failed;
  job.stage = "train";
  job.attempt = 2;
  job.started_at = 1700000001001;
  job.completed_at = 1700000002002;
  job.node = "node-a";
  job.error = "it's \"broken\"";
  job.metadata = R"({"progress": "Failed", "cv_score": 0.5})";
  CAF_REQUIRE_EQUAL(text_of(pg::update_job(*conn, job)), "");
  auto got = pg::get_job(*conn, job.id);
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(got->status, "failed");
  CAF_CHECK_EQUAL(got->stage, "train");
  CAF_CHECK_EQUAL(got->attempt, 2);
  CAF_CHECK_EQUAL(got->started_at, 1700000001001);
  CAF_CHECK_EQUAL(got->completed_at, 1700000002002);
  CAF_CHECK_EQUAL(got->node, "node-a");
  CAF_CHECK_EQUAL(got->error, "it's \"broken\"");
  CAF_CHECK_EQUAL(got->metadata, R"({"cv_score": 0.5, "progress": "Failed"})");
}

CAF_TEST(unknown jobs are not found and duplicates conflict) {
  auto job = make_job();
  CAF_CHECK(code_of(pg::update_job(*conn, job)) == errc::not_found);
  CAF_CHECK(code_of(pg::get_job(*conn, job.id).error()) == errc::not_found);
  CAF_CHECK(code_of(pg::get_job(*conn, "not-a-uuid").error()) == errc::not_found);
  CAF_REQUIRE_EQUAL(text_of(pg::insert_job(*conn, job)), "");
  CAF_CHECK(code_of(pg::insert_job(*conn, job)) == errc::conflict);
  auto bad = make_job();
  bad.metadata = "{not json";
  CAF_CHECK(code_of(pg::insert_job(*conn, bad)) == errc::invalid_input);
}

CAF_TEST(lists are newest first filtered and counted before the limit) {
  std::vector<job_record> jobs;
  for (int i = 0; i < 5; ++i) {
    jobs.push_back(make_job(10000 - i * 1000, i % 2 == 0 ? status::queued : status::success));
    CAF_REQUIRE_EQUAL(text_of(pg::insert_job(*conn, jobs.back())), "");
  }
  auto all = pg::list_jobs(*conn, "", 100);
  CAF_REQUIRE(all);
  CAF_CHECK_EQUAL(all->total, 5);
  CAF_REQUIRE_EQUAL(all->jobs.size(), 5u);
  for (size_t i = 0; i < 5; ++i)
    CAF_CHECK_EQUAL(all->jobs[i].id, jobs[4 - i].id);
  auto page = pg::list_jobs(*conn, "queued", 2);
  CAF_REQUIRE(page);
  CAF_CHECK_EQUAL(page->total, 3);
  CAF_REQUIRE_EQUAL(page->jobs.size(), 2u);
  CAF_CHECK_EQUAL(page->jobs[0].id, jobs[4].id);
  CAF_CHECK_EQUAL(page->jobs[1].id, jobs[2].id);
  auto none = pg::list_jobs(*conn, "running", 10);
  CAF_REQUIRE(none);
  CAF_CHECK_EQUAL(none->total, 0);
  CAF_CHECK(none->jobs.empty());
}

CAF_TEST(events are read after a sequence number and appended idempotently) {
  auto job = make_job();
  CAF_REQUIRE_EQUAL(text_of(pg::insert_job(*conn, job)), "");
  std::vector<job_event> evs;
  for (int64_t seq = 1; seq <= 4; ++seq)
    evs.push_back({job.id, seq, 1700000000000 + seq, "analyze", "progress",
                   "step " + std::to_string(seq), seq / 4.0});
  CAF_REQUIRE_EQUAL(text_of(pg::append_events(*conn, {evs[0], evs[1]})), "");
  CAF_REQUIRE_EQUAL(text_of(pg::append_events(*conn, evs)), "");  // 1 and 2 again
  auto changed = evs[0];
  changed.message = "rewritten";
  CAF_REQUIRE_EQUAL(text_of(pg::append_events(*conn, {changed})), "");
  auto all = pg::get_events(*conn, job.id, 0);
  CAF_REQUIRE(all);
  CAF_REQUIRE_EQUAL(all->size(), 4u);
  CAF_CHECK_EQUAL((*all)[0].message, "step 1");
  CAF_CHECK_EQUAL((*all)[0].time, 1700000000001);
  CAF_CHECK_EQUAL((*all)[3].progress, 1.0);
  CAF_CHECK_EQUAL((*all)[3].job_id, job.id);
  auto since = pg::get_events(*conn, job.id, 2);
  CAF_REQUIRE(since);
  CAF_REQUIRE_EQUAL(since->size(), 2u);
  CAF_CHECK_EQUAL((*since)[0].seq, 3);
  CAF_CHECK_EQUAL((*since)[1].seq, 4);
}

CAF_TEST(a checkpoint is replaced by a newer one of the same stage) {
  auto job = make_job();
  CAF_REQUIRE_EQUAL(text_of(pg::insert_job(*conn, job)), "");
  CAF_REQUIRE_EQUAL(text_of(pg::save_checkpoint(*conn, job.id, "analyze",
                                                {{"profile.json", "{}"}, {"old.txt", "x"}}, 10)),
                    "");
  CAF_REQUIRE_EQUAL(text_of(pg::save_checkpoint(*conn, job.id, "analyze",
                                                {{"profile.json", "{\"v\":2}"}}, 20)),
                    "");
  CAF_REQUIRE_EQUAL(text_of(pg::save_checkpoint(*conn, job.id, "plan", {}, 5)), "");
  auto done = pg::get_checkpoints(*conn, job.id);
  CAF_REQUIRE(done);
  CAF_REQUIRE_EQUAL(done->size(), 2u);
  CAF_CHECK_EQUAL((*done)["analyze"].size(), 1u);
  CAF_CHECK_EQUAL((*done)["analyze"]["profile.json"], "{\"v\":2}");
  CAF_CHECK((*done)["plan"].empty());
  CAF_CHECK_EQUAL(count("SELECT duration_ms FROM job_stages WHERE stage = 'analyze'"), 20);
}

CAF_TEST(artifacts keep binary bytes and are replaced on save) {
  auto job = make_job();
  CAF_REQUIRE_EQUAL(text_of(pg::insert_job(*conn, job)), "");
  const char raw[] = "id,label\n1,\0\xff\x01\n";
  std::string bytes(raw, sizeof(raw) - 1);
  CAF_REQUIRE_EQUAL(text_of(pg::save_artifact(*conn, job.id, "submission.csv", "old")), "");
  CAF_REQUIRE_EQUAL(text_of(pg::save_artifact(*conn, job.id, "submission.csv", bytes)), "");
  auto got = pg::get_artifact(*conn, job.id, "submission.csv");
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(got->size(), 15u);
  CAF_CHECK(*got == bytes);
  CAF_CHECK(code_of(pg::get_artifact(*conn, job.id, "solution.py").error()) == errc::not_found);
  CAF_CHECK(code_of(pg::get_artifact(*conn, "nope", "x").error()) == errc::not_found);
}

CAF_TEST(only queued and running jobs are resumable oldest first with their progress) {
  auto old_running = make_job(3000, status::running);
  auto newer_queued = make_job(2000, status::queued);
  auto finished = make_job(4000, status::success);
  auto cancelled = make_job(5000, status::cancelled);
  for (auto* j : {&old_running, &newer_queued, &finished, &cancelled})
    CAF_REQUIRE_EQUAL(text_of(pg::insert_job(*conn, *j)), "");
  CAF_REQUIRE_EQUAL(text_of(pg::save_checkpoint(*conn, old_running.id, "analyze",
                                                {{"profile.json", "{}"}}, 1)),
                    "");
  CAF_REQUIRE_EQUAL(text_of(pg::append_events(
                      *conn, {{old_running.id, 1, 1, "analyze", "log", "a", -1},
                              {old_running.id, 7, 2, "analyze", "log", "b", -1}})),
                    "");
  auto plan = pg::plan_resume(*conn);
  CAF_REQUIRE(plan);
  CAF_CHECK_EQUAL(plan->total, 2);
  CAF_CHECK_EQUAL(plan->last.id, newer_queued.id);
  auto page = pg::load_resume_page(*conn, {{}, plan->last, 10});
  CAF_REQUIRE(page);
  auto jobs = &page->jobs;
  CAF_REQUIRE_EQUAL(jobs->size(), 2u);
  CAF_CHECK_EQUAL((*jobs)[0].job.id, old_running.id);
  CAF_CHECK_EQUAL((*jobs)[0].last_seq, 7);
  CAF_CHECK_EQUAL((*jobs)[0].done.size(), 1u);
  CAF_CHECK_EQUAL((*jobs)[0].done["analyze"]["profile.json"], "{}");
  CAF_CHECK_EQUAL((*jobs)[1].job.id, newer_queued.id);
  CAF_CHECK_EQUAL((*jobs)[1].last_seq, 0);
  CAF_CHECK((*jobs)[1].done.empty());
  CAF_CHECK_EQUAL(text_of(pg::ping(*conn)), "");
}

CAF_TEST(resume pages walk the plan once in order and stop at its last job) {
  std::vector<job_record> jobs;
  for (int i = 0; i < 5; ++i)
    jobs.push_back(make_job(5000 - i * 10));  // oldest first
  // Two jobs in the same millisecond: the id breaks the tie.
  jobs.push_back(make_job(0));
  jobs.push_back(jobs.back());
  jobs.back().id = new_uuid();
  if (jobs[5].id > jobs[6].id)
    std::swap(jobs[5], jobs[6]);
  for (auto& j : jobs)
    CAF_REQUIRE_EQUAL(text_of(pg::insert_job(*conn, j)), "");
  auto plan = pg::plan_resume(*conn);
  CAF_REQUIRE(plan);
  CAF_CHECK_EQUAL(plan->total, 7);
  // Accepted after the plan: a new job is admission's, never a resumed one.
  auto later = make_job(0);
  later.created_at += 60000;
  CAF_REQUIRE_EQUAL(text_of(pg::insert_job(*conn, later)), "");
  std::vector<std::string> seen;
  resume_range range{{}, plan->last, 2};
  for (int pages = 0; pages < 10; ++pages) {
    auto page = pg::load_resume_page(*conn, range);
    CAF_REQUIRE(page);
    if (page->jobs.empty())
      break;
    CAF_CHECK_LESS_OR_EQUAL(page->jobs.size(), 2u);
    for (auto& r : page->jobs)
      seen.push_back(r.job.id);
    range.after = page->end;
  }
  CAF_REQUIRE_EQUAL(seen.size(), jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i)
    CAF_CHECK_EQUAL(seen[i], jobs[i].id);
}

CAF_TEST_FIXTURE_SCOPE_END()
