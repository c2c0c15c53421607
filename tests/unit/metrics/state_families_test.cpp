#define CAF_SUITE metrics.state_families
#include "caf/test/dsl.hpp"

#include "metrics/registry.hpp"
#include "tests/unit/metrics/scrape.hpp"

using namespace kagent::metrics;
using kagent::metrics::test::sample_of;

namespace {

state_view full_view() {
  state_view v;
  v.admission = admission_figures{7, 2, 3, 1, 4};
  v.hub = hub_figures{5, 6};
  cluster_figures c{4, 1, 0, 1, {}};
  c.nodes.push_back({"w1", true, 2, 1, 10, 0, 1700000000});
  c.nodes.push_back({"w\"2", false, 2, 0, 3, 1, 1700000001});
  v.cluster = c;
  v.http_in_flight = 1;
  v.http_sessions = 2;
  v.ws_sessions = 3;
  return v;
}

} // namespace

CAF_TEST(the figures of the actors keep the names and types of before) {
  registry r{{"v", "c"}};
  auto text = r.exposition(full_view());
  CAF_CHECK(text.find("# TYPE kagent_jobs_accepted_total counter") != std::string::npos);
  CAF_CHECK(text.find("# TYPE kagent_jobs_queued gauge") != std::string::npos);
  CAF_CHECK(text.find("# TYPE kagent_node_stages_total counter") != std::string::npos);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_jobs_accepted_total"), 7);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_jobs_rejected_total"), 2);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_jobs_queued"), 3);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_jobs_running"), 1);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_jobs_max_running"), 4);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_jobs{status="queued"})"), 3);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_jobs{status="running"})"), 1);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_http_in_flight"), 1);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_http_sessions"), 2);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_ws_sessions"), 3);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_ws_subscribers"), 5);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_hub_jobs"), 6);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_cluster_slots"), 4);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_cluster_nodes_lost_total"), 1);
}

CAF_TEST(per node gauges are written as the cluster test reads them) {
  registry r{{"v", "c"}};
  auto text = r.exposition(full_view());
  // tests/integration/test_cluster.py looks for these exact lines.
  CAF_CHECK(text.find("\nkagent_node_up{node=\"w1\"} 1\n") != std::string::npos);
  CAF_CHECK(text.find("\nkagent_node_slots{node=\"w1\"} 2\n") != std::string::npos);
  CAF_CHECK(text.find("\nkagent_cluster_slots 4\n") != std::string::npos);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_node_up{node="w\"2"})"), 0);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_node_stages_lost_total{node="w\"2"})"), 1);
  CAF_CHECK_EQUAL(sample_of(text, R"(kagent_node_last_heartbeat_seconds{node="w1"})"), 1700000000);
}

CAF_TEST(parts whose actor did not answer are left out) {
  registry r{{"v", "c"}};
  auto text = r.exposition({});
  CAF_CHECK_EQUAL(sample_of(text, "kagent_jobs_queued"), -1);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_hub_jobs"), -1);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_cluster_slots"), -1);
  CAF_CHECK_EQUAL(sample_of(text, "kagent_http_sessions"), 0);
}
