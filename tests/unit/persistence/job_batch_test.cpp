#define CAF_SUITE persistence.job_batch
#include "caf/test/dsl.hpp"

#include "persistence/job_batch.hpp"
#include "persistence/job_repository.hpp"
#include "pg_fixture.hpp"

using namespace kagent;
using namespace kagent::test;

CAF_TEST(the statement numbers thirteen parameters per row in order) {
  auto one = pg::insert_jobs_sql(1);
  CAF_CHECK(one.find("VALUES ($1, $2, ") != std::string::npos);
  CAF_CHECK(one.find("$13::jsonb)") != std::string::npos);
  CAF_CHECK(one.find("$14") == std::string::npos);
  auto three = pg::insert_jobs_sql(3);
  CAF_CHECK(three.find("$13::jsonb), ($14, $15, ") != std::string::npos);
  CAF_CHECK(three.find("$39::jsonb)") != std::string::npos);
  CAF_CHECK(three.find("$40") == std::string::npos);
  CAF_CHECK_EQUAL(pg::job_insert_row(db_fixture::make_job()).size(), pg::job_insert_params);
}

CAF_TEST_FIXTURE_SCOPE(job_batch_tests, db_fixture)

CAF_TEST(many jobs go in one statement and read back as inserted) {
  std::vector<job_record> jobs;
  for (int i = 0; i < 300; ++i)
    jobs.push_back(make_job(i));
  jobs[7].created_at = 1700000000123;
  jobs[7].metadata = R"({"progress": "Queued", "competition": "titanic"})";
  std::vector<const job_record*> rows;
  for (auto& j : jobs)
    rows.push_back(&j);
  CAF_REQUIRE_EQUAL(text_of(pg::insert_jobs(*conn, rows)), "");
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM jobs"), 300);
  CAF_CHECK_EQUAL(count("SELECT count(DISTINCT xmin::text) FROM jobs"), 1);
  auto got = pg::get_job(*conn, jobs[7].id);
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(got->created_at, 1700000000123);
  CAF_CHECK_EQUAL(got->owner, "alice");
  CAF_CHECK_EQUAL(got->metadata, R"({"progress": "Queued", "competition": "titanic"})");
  CAF_CHECK_EQUAL(got->started_at, 0);
}

CAF_TEST(one bad row fails the statement as a whole) {
  auto a = make_job();
  auto bad = make_job();
  bad.id = "not-a-uuid";
  CAF_CHECK(pg::insert_jobs(*conn, {&a, &bad}));
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM jobs"), 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
