#define CAF_SUITE metrics.labels
#include "caf/test/dsl.hpp"

#include <set>
#include <string>

#include "metrics/failure_category.hpp"
#include "metrics/labels.hpp"

using namespace kagent::metrics;

CAF_TEST(statuses fall into their class and odd ones into other) {
  CAF_CHECK_EQUAL(std::string{status_class(200)}, "2xx");
  CAF_CHECK_EQUAL(std::string{status_class(201)}, "2xx");
  CAF_CHECK_EQUAL(std::string{status_class(101)}, "1xx");
  CAF_CHECK_EQUAL(std::string{status_class(429)}, "4xx");
  CAF_CHECK_EQUAL(std::string{status_class(503)}, "5xx");
  CAF_CHECK_EQUAL(std::string{status_class(599)}, "5xx");
  CAF_CHECK_EQUAL(std::string{status_class(600)}, "other");
  CAF_CHECK_EQUAL(std::string{status_class(99)}, "other");
  CAF_CHECK_EQUAL(std::string{status_class(-1)}, "other");
}

CAF_TEST(every failure category has its own label) {
  std::set<std::string> seen;
  for (int c = 0; c <= static_cast<int>(failure_category::other); ++c)
    seen.insert(to_string(static_cast<failure_category>(c)));
  CAF_CHECK_EQUAL(seen.size(), static_cast<size_t>(failure_category::other) + 1);
}

CAF_TEST(only failures of the sandbox itself count as sandbox failures) {
  CAF_CHECK(is_sandbox_failure(failure_category::sandbox));
  CAF_CHECK(is_sandbox_failure(failure_category::killed));
  CAF_CHECK(is_sandbox_failure(failure_category::unsafe_output));
  CAF_CHECK(!is_sandbox_failure(failure_category::program_error));
  CAF_CHECK(!is_sandbox_failure(failure_category::timeout));
  CAF_CHECK(!is_sandbox_failure(failure_category::node_lost));
}
