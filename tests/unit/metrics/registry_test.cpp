#define CAF_SUITE metrics.registry
#include "caf/test/dsl.hpp"

#include <thread>
#include <vector>

#include "metrics/registry.hpp"
#include "tests/unit/metrics/scrape.hpp"

using namespace kagent::metrics;
using kagent::metrics::test::sample_of;

namespace {

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

} // namespace

CAF_TEST(build info names the version and the commit) {
  registry r{{"1.2.3", "abc123"}};
  auto text = r.exposition({});
  CAF_CHECK(has(text, "# TYPE kagent_build_info gauge"));
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_build_info{commit="abc123",version="1.2.3"})"), 1);
}

CAF_TEST(this build has a version) {
  CAF_CHECK(!this_build().version.empty());
  CAF_CHECK(!this_build().commit.empty());
}

CAF_TEST(a request lands in its route and status class buckets) {
  registry r{{"v", "c"}};
  r.http().observe_request("submit", 201, 0.003);
  r.http().observe_request("submit", 201, 2.0);
  r.http().observe_request("status", 404, 0.001);
  auto text = r.exposition({});
  CAF_CHECK(has(text, "# TYPE kagent_http_request_duration_seconds histogram"));
  const std::string submit = R"(kagent_http_request_duration_seconds_count{route="submit",status_class="2xx"})";
  CAF_CHECK_EQUAL(sample_of(text, submit), 2);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_http_request_duration_seconds_bucket{route="submit",status_class="2xx",le="0.005"})"), 1);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_http_request_duration_seconds_bucket{route="submit",status_class="2xx",le="+Inf"})"), 2);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_http_request_duration_seconds_count{route="status",status_class="4xx"})"), 1);
}

CAF_TEST(stage durations are kept per stage and outcome) {
  registry r{{"v", "c"}};
  r.jobs().observe_stage("analyze", outcome::success, 1.5);
  r.jobs().observe_stage("train", outcome::retry, 40);
  r.jobs().observe_stage("train", outcome::success, 50);
  auto text = r.exposition({});
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_stage_duration_seconds_count{outcome="success",stage="analyze"})"), 1);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_stage_duration_seconds_sum{outcome="success",stage="analyze"})"), 1.5);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_stage_duration_seconds_count{outcome="retry",stage="train"})"), 1);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_stage_duration_seconds_sum{outcome="success",stage="train"})"), 50);
}

CAF_TEST(job counters count where they are told) {
  registry r{{"v", "c"}};
  auto& j = r.jobs();
  j.observe_queue_wait(0.2);
  j.count_retry("plan");
  j.count_retry("plan");
  j.count_cancel("queued");
  j.count_sandbox_failure("train", failure_category::killed);
  j.count_failure(failure_category::timeout);
  j.count_finished("success");
  j.count_finished("success");
  j.count_finished("failed");
  auto text = r.exposition({});
  CAF_CHECK_EQUAL(sample_of(text, "kagent_queue_wait_seconds_count"), 1);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_stage_retries_total{stage="plan"})"), 2);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_job_cancels_total{state="queued"})"), 1);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_sandbox_failures_total{category="killed",stage="train"})"), 1);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_job_failures_total{category="timeout"})"), 1);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_jobs_finished_total{status="success"})"), 2);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_jobs_finished_total{status="failed"})"), 1);
}

CAF_TEST(group commits report their size and time) {
  registry r{{"v", "c"}};
  r.database().observe_commit(3, 0.002);
  r.database().observe_commit(40, 0.02);
  r.database().count_batch_failure();
  auto text = r.exposition({});
  CAF_CHECK_EQUAL(sample_of(text, "kagent_db_batch_writes_count"), 2);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_db_batch_writes_sum"), 43);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_db_batch_writes_bucket{le="4"})"), 1);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_db_commit_duration_seconds_count"), 2);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_db_batch_failures_total"), 1);
}

CAF_TEST(slow consumers are counted) {
  registry r{{"v", "c"}};
  CAF_CHECK_EQUAL(sample_of(r.exposition({}), "kagent_ws_slow_consumers_total"), 0);
  r.http().count_slow_consumer();
  CAF_CHECK_EQUAL(sample_of(r.exposition({}), "kagent_ws_slow_consumers_total"), 1);
}

CAF_TEST(counters from many threads add up) {
  registry r{{"v", "c"}};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&r] {
      for (int i = 0; i < 1000; ++i) {
        r.jobs().count_retry("train");
        r.http().observe_request("status", 200, 0.001);
      }
    });
  for (auto& t : threads)
    t.join();
  auto text = r.exposition({});
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_stage_retries_total{stage="train"})"), 4000);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_http_request_duration_seconds_count{route="status",status_class="2xx"})"), 4000);
}

CAF_TEST(a null registry becomes a private one) {
  auto r = or_private(nullptr);
  CAF_REQUIRE(r != nullptr);
  r->jobs().count_retry("plan");
  auto mine = std::make_shared<registry>(build_facts{"v", "c"});
  CAF_CHECK_EQUAL(or_private(mine), mine);
}
