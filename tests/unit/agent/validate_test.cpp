#define CAF_SUITE agent.validate
#include "caf/test/dsl.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

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
  CAF_CHECK(has(check(sample, "id,p\n1,0.1\n3,0.1\n2,0.1\n"), "line 3: 'id' is '3'"));
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

CAF_TEST(every key column must equal the sample in every row) {
  validation_rules r;
  r.output = "label";
  r.keys_known = true;
  r.key_columns = {"date", "text"};
  auto s = "label,date,text\nham,2020-01-01,hi there\nham,2020-01-02,buy now\n";
  CAF_CHECK_EQUAL(check(s, "label,date,text\nspam,2020-01-01,hi there\nham,2020-01-02,buy now\n", r), "");
  auto bad = check(s, "label,date,text\nham,2020-01-01,hi there\nham,2020-01-02,buy later\n", r);
  CAF_CHECK(has(bad, "line 3: 'text' is 'buy later'"));
  // The first column is no key here: the label may differ from the sample.
  CAF_CHECK_EQUAL(check(s, "label,date,text\nspam,2020-01-01,hi there\nspam,2020-01-02,buy now\n", r), "");
}

CAF_TEST(a submission without key columns is checked by rows alone) {
  validation_rules r;
  r.output = "value";
  r.keys_known = true;
  auto s = "y\n0\n0\n";
  CAF_CHECK_EQUAL(check(s, "y\n1.5\n-2\n", r), "");
  CAF_CHECK(has(check(s, "y\n1.5\n", r), "1 data rows, expected 2"));
}

CAF_TEST(label lists hold one to k known labels separated by single spaces) {
  validation_rules r;
  r.output = "label_list";
  r.keys_known = true;
  r.key_columns = {"id"};
  r.labels = {"Dengue", "Zika", "Plague", "Lyme"};
  r.k = 3;
  auto s = "id,p\n1,Dengue Zika Plague\n";
  CAF_CHECK_EQUAL(check(s, "id,p\n1,Zika Dengue Lyme\n", r), "");
  CAF_CHECK_EQUAL(check(s, "id,p\n1,Zika\n", r), "");
  CAF_CHECK(has(check(s, "id,p\n1,Zika Dengue Lyme Plague\n", r), "4 labels in column 'p', at most 3"));
  CAF_CHECK(has(check(s, "id,p\n1,Zika  Dengue\n", r), "single spaces"));
  CAF_CHECK(has(check(s, "id,p\n1,Zika Flu\n", r), "label 'Flu'"));
}

CAF_TEST(labels may be checked per predicted column) {
  validation_rules r;
  r.output = "label";
  r.keys_known = true;
  r.key_columns = {"id"};
  r.column_labels = {{"a", {"x", "y"}}, {"b", {"1", "2"}}};
  auto s = "id,a,b\n1,x,1\n";
  CAF_CHECK_EQUAL(check(s, "id,a,b\n1,y,2\n", r), "");
  CAF_CHECK(has(check(s, "id,a,b\n1,y,x\n", r), "label 'x' in column 'b'"));
}

CAF_TEST(a semicolon sample is compared with a comma submission) {
  validation_rules r = probability();
  r.sample_sep = ';';
  CAF_CHECK_EQUAL(check("id;p\n1;0,5\n2;0,5\n", "id,p\n1,0.2\n2,0.3\n", r), "");
}

CAF_TEST(a profile driven validation reads keys labels and delimiters) {
  char tmpl[] = "/tmp/kagent-validate-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::system(("mkdir -p '" + dir + "/c/data' '" + dir + "/j'").c_str());
  std::ofstream(dir + "/c/data/sample_submission.csv") << "Id;cuisine\n7;thai\n9;thai\n";
  std::ofstream(dir + "/j/profile.json")
    << R"({"files": {"sample_submission": {"path": "data/sample_submission.csv", "sep": ";"}},
          "metric": {"name": "accuracy"},
          "targets": [{"submission_column": "cuisine", "labels": ["thai", "greek"]}],
          "submission": {"output": "label", "key_columns": ["Id"], "labels": ["thai", "greek"]}})";
  std::ofstream(dir + "/j/submission.csv") << "Id,cuisine\n7,greek\n9,thai\n";
  CAF_CHECK(run_validate(dir + "/c", dir + "/j"));
  std::ofstream(dir + "/j/submission.csv") << "Id,cuisine\n7,greek\n8,thai\n";
  auto r = run_validate(dir + "/c", dir + "/j");
  CAF_CHECK(!r);
  CAF_CHECK(has(r.error(), "'Id' is '8'"));
  std::system(("rm -rf '" + dir + "'").c_str());
}
