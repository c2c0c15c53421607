#define CAF_SUITE persistence.db_reader
#include "caf/test/dsl.hpp"

#include "actors/db_reader.hpp"
#include "persistence/job_repository.hpp"
#include "actors_fixture.hpp"

using namespace kagent;
using namespace kagent::test;

namespace {

struct reader_fixture : actors_fixture {
  job_record job = make_job(1000, status::running);
  caf::actor readers;

  reader_fixture() {
    CAF_REQUIRE_EQUAL(text_of(pg::insert_job(*conn, job)), "");
    CAF_REQUIRE_EQUAL(text_of(pg::insert_job(*conn, make_job(0, status::success))), "");
    CAF_REQUIRE_EQUAL(text_of(pg::save_checkpoint(*conn, job.id, "analyze",
                                                  {{"profile.json", "{}"}}, 3)),
                      "");
    CAF_REQUIRE_EQUAL(text_of(pg::append_events(
                        *conn, {{job.id, 1, 1, "analyze", "log", "a", -1},
                                {job.id, 2, 2, "analyze", "progress", "b", 0.5}})),
                      "");
    CAF_REQUIRE_EQUAL(text_of(pg::save_artifact(*conn, job.id, "submission.csv", "id\n")), "");
    readers = keep(spawn_db_readers(*sys, conninfo, 2));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(db_reader_tests, reader_fixture)

CAF_TEST(readers answer every read of the protocol) {
  auto got = ask<job_record>(readers, get_atom::value, job.id);
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(got->status, "running");
  auto list = ask<job_list>(readers, list_atom::value, std::string{}, int64_t{1});
  CAF_REQUIRE(list);
  CAF_CHECK_EQUAL(list->total, 2);
  CAF_CHECK_EQUAL(list->jobs.size(), 1u);
  auto evs = ask<std::vector<job_event>>(readers, events_atom::value, job.id, int64_t{1});
  CAF_REQUIRE(evs);
  CAF_REQUIRE_EQUAL(evs->size(), 1u);
  CAF_CHECK_EQUAL(evs->front().progress, 0.5);
  auto file = ask<std::string>(readers, artifact_atom::value, job.id,
                               std::string{"submission.csv"});
  CAF_REQUIRE(file);
  CAF_CHECK_EQUAL(*file, "id\n");
  auto done = ask<checkpoints>(readers, checkpoint_atom::value, job.id);
  CAF_REQUIRE(done);
  CAF_CHECK_EQUAL(done->count("analyze"), 1u);
  auto plan = ask<resume_plan>(readers, resume_atom::value);
  CAF_REQUIRE(plan);
  CAF_CHECK_EQUAL(plan->total, 1);
  CAF_CHECK_EQUAL(plan->last.id, job.id);
  auto page = ask<resume_page>(readers, resume_atom::value,
                               resume_range{{}, plan->last, int64_t{10}});
  CAF_REQUIRE(page);
  CAF_REQUIRE_EQUAL(page->jobs.size(), 1u);
  CAF_CHECK_EQUAL(page->jobs.front().last_seq, 2);
  CAF_CHECK_EQUAL(page->jobs.front().done.count("analyze"), 1u);
  CAF_CHECK(ask<caf::ok_atom>(readers, ping_atom::value));
}

CAF_TEST(missing jobs and files are not_found) {
  auto got = ask<job_record>(readers, get_atom::value, new_uuid());
  CAF_REQUIRE(!got);
  CAF_CHECK(code_of(got.error()) == errc::not_found);
  CAF_CHECK_EQUAL(detail_of(got.error()), "Job not found");
  auto bad = ask<job_record>(readers, get_atom::value, std::string{"../etc"});
  CAF_REQUIRE(!bad);
  CAF_CHECK(code_of(bad.error()) == errc::not_found);
  auto file = ask<std::string>(readers, artifact_atom::value, job.id, std::string{"x.py"});
  CAF_REQUIRE(!file);
  CAF_CHECK(code_of(file.error()) == errc::not_found);
}

CAF_TEST(readers reconnect after their connections were lost) {
  CAF_REQUIRE(ask<caf::ok_atom>(readers, ping_atom::value));
  CAF_REQUIRE(ask<caf::ok_atom>(readers, ping_atom::value));
  kill_other_backends();
  for (int i = 0; i < 4; ++i) {
    auto got = ask<job_record>(readers, get_atom::value, job.id);
    CAF_CHECK_EQUAL(text_of(got ? caf::error{} : got.error()), "");
  }
}

CAF_TEST(an unreachable database answers db_unavailable) {
  auto lost = keep(spawn_db_readers(*sys, "host=/nonexistent-kagent-socket user=kagent", 1));
  auto r = ask<caf::ok_atom>(lost, ping_atom::value);
  CAF_REQUIRE(!r);
  CAF_CHECK(code_of(r.error()) == errc::db_unavailable);
}

CAF_TEST_FIXTURE_SCOPE_END()
