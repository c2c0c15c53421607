#define CAF_SUITE agent.file_roles
#include "caf/test/dsl.hpp"

#include "agent/data_files.hpp"
#include "agent/file_roles.hpp"

using namespace kagent::agent;

namespace {

using strings = std::vector<std::string>;

data_file loose(const std::string& name, int64_t bytes = 100) {
  return {"data/" + name, "", "csv", bytes, ","};
}

} // namespace

CAF_TEST(files are named by their tokens and only the sample is required) {
  auto cf = pick_files({loose("x_train.csv"), loose("contest_rules.csv"), loose("sampleSubmission.csv")});
  CAF_REQUIRE(cf);
  CAF_CHECK_EQUAL(cf->train.path, "data/x_train.csv");
  CAF_CHECK_EQUAL(cf->test.path, ""); // "contest" is not "test"
  CAF_CHECK_EQUAL(cf->sample_submission.path, "data/sampleSubmission.csv");
  CAF_CHECK(!cf->notes.empty());
  auto training = pick_files({loose("training.tsv"), loose("testing.tsv"), loose("submission.csv")});
  CAF_REQUIRE(training);
  CAF_CHECK_EQUAL(training->train.path, "data/training.tsv");
  CAF_CHECK_EQUAL(training->test.path, "data/testing.tsv");
  CAF_CHECK(!pick_files({loose("train.csv"), loose("test.csv")}));
}

CAF_TEST(without a file named train the largest table holding a target is train) {
  std::vector<table_info> tables = {{loose("stores.csv", 500), {"Store", "Size"}, -1},
                                    {loose("history.csv", 90000), {"Store", "Date", "Sales"}, -1},
                                    {loose("other.csv", 99000), {"Store", "Date"}, -1},
                                    {loose("sample_submission.csv", 99999), {"id", "Sales"}, -1}};
  data_file test = loose("test.csv");
  CAF_CHECK_EQUAL(train_by_content(tables, {"id", "Sales"}, &test, {"id", "Store", "Date"}), 1);
  // With no test any sample column counts; "id" is in the biggest non-sample table.
  tables[2].header.push_back("id");
  CAF_CHECK_EQUAL(train_by_content(tables, {"id", "Sales"}, nullptr, {}), 2);
  CAF_CHECK_EQUAL(train_by_content(tables, {"nothing"}, nullptr, {}), -1);
}

CAF_TEST(test rows inside train are found by the sample ids and a blank target) {
  inside_evidence e;
  e.rows = 1000;
  e.sample_rows = 250;
  e.blank = {{"id", 0}, {"y", 250}};
  e.matched = {{"id", 250}, {"y", 3}};
  auto d = test_inside_train(e);
  CAF_CHECK(d.inside);
  CAF_CHECK_EQUAL(d.key, "id");
  CAF_CHECK_EQUAL(d.targets, strings({"y"}));
  CAF_CHECK_EQUAL(d.test_rows, 250);
}

CAF_TEST(test rows inside train may be the blank rows when the sample has no key) {
  inside_evidence e;
  e.rows = 100;
  e.sample_rows = 20;
  e.blank = {{"y", 20}};
  e.matched = {{"y", 0}};
  auto d = test_inside_train(e);
  CAF_CHECK(d.inside);
  CAF_CHECK(d.key.empty());
  CAF_CHECK_EQUAL(d.test_rows, 20);
}

CAF_TEST(a train file whose rows the sample does not name holds no test rows) {
  inside_evidence e;
  e.rows = 100;
  e.sample_rows = 30;
  e.blank = {{"id", 0}, {"y", 5}};
  e.matched = {{"id", 2}, {"y", 0}};
  CAF_CHECK(!test_inside_train(e).inside);
  e.blank = {{"id", 0}, {"y", 0}};
  e.matched = {{"id", 30}, {"y", 0}};
  CAF_CHECK(!test_inside_train(e).inside); // no blank target
}

CAF_TEST(side tables are every other table with shared columns first and at most ten) {
  data_file train = loose("train.csv"), test = loose("test.csv"), sample = loose("sample_submission.csv");
  std::vector<table_info> tables = {{train, {"id", "Date", "y"}, -1},
                                    {test, {"id", "Date"}, -1},
                                    {sample, {"id", "y"}, -1},
                                    {{"data/train.csv.zip", "train.csv", "csv", 5, ","}, {"id"}, -1},
                                    {loose("notes.csv"), {"author", "text"}, -1},
                                    {loose("weather.csv"), {"Date", "Tmax"}, -1},
                                    {loose("submission_v2.csv"), {"id", "y"}, -1}};
  auto aux = auxiliary_tables(tables, {&train, &test, &sample}, {"id", "Date", "y"}, {"id", "Date"});
  CAF_REQUIRE_EQUAL(aux.size(), 2u);
  CAF_CHECK_EQUAL(tables[aux[0]].file.path, "data/weather.csv");
  CAF_CHECK_EQUAL(tables[aux[1]].file.path, "data/notes.csv");
  std::vector<table_info> many;
  for (int i = 0; i < 14; ++i)
    many.push_back({loose("side" + std::to_string(i) + ".csv"), {"k"}, -1});
  CAF_CHECK_EQUAL(auxiliary_tables(many, {&train}, {"k"}, {"k"}).size(), 10u);
}
