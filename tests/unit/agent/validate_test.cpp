#define CAF_SUITE agent.validate
#include "caf/test/dsl.hpp"

#include "agent/validate.hpp"

using namespace kagent::agent;

namespace {

std::string check(const std::string& sample, const std::string& sub, validation_rules r = {}) {
  memory_source a(sample), b(sub);
  return check_submission(a, b, r);
}

bool has(const std::string& reason, const std::string& part) {
  return reason.find(part) != std::string::npos;
}

const std::string sample = "id,p\n1,0.5\n2,0.5\n3,0.5\n";

validation_rules probability() {
  validation_rules r;
  r.output = "probability";
  return r;
}

} // namespace

CAF_TEST(a matching submission is valid) {
  CAF_CHECK_EQUAL(check(sample, "id,p\r\n1,0.1\r\n2,0.9\r\n3,1\r\n", probability()), "");
}

CAF_TEST(each failure has its precise reason) {
  CAF_CHECK(has(check(sample, ""), "empty"));
  CAF_CHECK(has(check(sample, "id,P\n1,0.1\n2,0.1\n3,0.1\n"), "header must be exactly 'id,p'"));
  CAF_CHECK(has(check(sample, "id,p\n1,0.1\n2,0.1\n"), "2 data rows, expected 3"));
  CAF_CHECK(has(check(sample, "id,p\n1,0.1\n2,0.1\n3,0.1\n4,0.1\n"), "4 data rows, expected 3"));
  CAF_CHECK(has(check(sample, "id,p\n1,0.1\n3,0.1\n2,0.1\n"), "line 3: id '3'"));
  CAF_CHECK(has(check(sample, "id,p\n1,0.1\n2,\n3,0.1\n"), "line 3: empty or missing value"));
  CAF_CHECK(has(check(sample, "id,p\n1,0.1\n2,nan\n3,0.1\n"), "missing value"));
  CAF_CHECK(has(check(sample, "id,p\n1,0.1\n2,0.2,9\n3,0.1\n"), "3 fields, expected 2"));
  CAF_CHECK(has(check(sample, "id,p\n1,1.5\n2,0.1\n3,0.1\n", probability()), "outside [0, 1]"));
  CAF_CHECK(has(check(sample, "id,p\n1,abc\n2,0.1\n3,0.1\n", probability()), "not a number"));
}

CAF_TEST(labels must be ones seen in train) {
  validation_rules r;
  r.output = "label";
  r.labels = {"yes", "no"};
  auto s = "id,y\n1,no\n2,no\n";
  CAF_CHECK_EQUAL(check(s, "id,y\n1,yes\n2,no\n", r), "");
  CAF_CHECK(has(check(s, "id,y\n1,Yes\n2,no\n", r), "label 'Yes'"));
}

CAF_TEST(value rules follow the metric) {
  validation_rules r;
  r.output = "value";
  r.metric = "rmsle";
  auto s = "id,v\n1,3\n";
  CAF_CHECK(has(check(s, "id,v\n1,-1\n", r), "negative"));
  r.metric = "rmse_log";
  CAF_CHECK(has(check(s, "id,v\n1,0\n", r), "not positive"));
  r.metric = "rmse";
  CAF_CHECK_EQUAL(check(s, "id,v\n1,-1\n", r), "");
}

CAF_TEST(per class rows of zeros are invalid) {
  auto s = "id,a,b\n1,0.5,0.5\n";
  CAF_CHECK(has(check(s, "id,a,b\n1,0,0\n", probability()), "every class probability is 0"));
}
