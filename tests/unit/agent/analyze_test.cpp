#define CAF_SUITE agent.analyze
#include "caf/test/dsl.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "agent/analyze.hpp"
#include "agent/json_io.hpp"

using namespace kagent::agent;

namespace {

using strings = std::vector<std::string>;

// A competition directory under /tmp with `data/` files and a description.
struct competition {
  std::string dir;
  competition() {
    char tmpl[] = "/tmp/kagent-analyze-XXXXXX";
    dir = mkdtemp(tmpl);
    mkdir((dir + "/data").c_str(), 0755);
  }
  ~competition() { std::system(("rm -rf '" + dir + "'").c_str()); }
  competition& file(const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name, std::ios::binary) << text;
    return *this;
  }
  competition& data(const std::string& name, const std::string& text) {
    return file("data/" + name, text);
  }
  rapidjson::Document profile() {
    auto p = analyze_competition(dir);
    CAF_REQUIRE(p);
    rapidjson::Document d;
    d.CopyFrom(to_json(*p), d.GetAllocator());
    return d;
  }
};

std::string desc(const std::string& evaluation) {
  return "https://www.kaggle.com/competitions/x\n\n# X\n\n## Evaluation\n\n" + evaluation + "\n";
}

strings strings_at(const rapidjson::Value& v, const char* key) { return get_strings(v, key); }

} // namespace

CAF_TEST(semicolon and tab separated files are read and their delimiter recorded) {
  competition c;
  c.data("train.csv", "id;color;y\n1;red;0.5\n2;blue;1.5\n3;red;0.7\n")
    .data("test.tsv", "id\tcolor\n4\tblue\n5\tred\n")
    .data("sample_submission.csv", "id;y\n4;0\n5;0\n")
    .file("description.md", desc("Scored on mean absolute error."));
  auto p = c.profile();
  CAF_CHECK_EQUAL(get_string(p["files"]["train"], "sep"), ";");
  CAF_CHECK_EQUAL(get_string(p["files"]["test"], "sep"), "\t");
  CAF_CHECK_EQUAL(get_string(p["files"]["sample_submission"], "sep"), ";");
  CAF_CHECK_EQUAL(get_string(p["metric"], "name"), "mae");
  CAF_CHECK_EQUAL(strings_at(p["submission"], "key_columns"), strings({"id"}));
  CAF_CHECK(!p.HasMember("fallback"));
}

CAF_TEST(test rows inside a single data file are found by the sample ids) {
  competition c;
  c.data("data.csv", "id,a,y\n0,1.0,\n1,2.0,0.3\n2,3.0,\n3,4.0,0.1\n4,5.0,0.2\n")
    .data("sample_submission.csv", "id,y\n0,0.0\n2,0.0\n")
    .file("description.md", desc("RMSE."));
  auto p = c.profile();
  CAF_CHECK(p["files"]["test_inside_train"].GetBool());
  CAF_CHECK_EQUAL(get_string(p["files"]["train"], "path"), "data/data.csv");
  CAF_CHECK_EQUAL(get_string(p["files"]["test"], "path"), "data/data.csv");
  CAF_CHECK_EQUAL(p["files"]["test"]["rows"].GetInt64(), 2);
  CAF_CHECK_EQUAL(get_string(p["targets"][0], "train_column"), "y");
  CAF_CHECK_EQUAL(get_string(p, "task"), "regression");
}

CAF_TEST(side tables are listed with their rows and columns) {
  competition c;
  c.data("train.csv", "Store,Date,Sales,Holiday\n1,2020-01-03,5,FALSE\n2,2020-01-03,7,TRUE\n")
    .data("test.csv", "Store,Date,Holiday\n1,2020-01-10,FALSE\n2,2020-01-10,TRUE\n")
    .data("stores.csv", "Store,Size\n1,100\n2,300\n")
    .data("sampleSubmission.csv", "Id,Sales\n1_2020-01-10,0\n2_2020-01-10,0\n")
    .file("description.md", desc("We use a weighted mean absolute error: a row weighs 5 when "
                                 "`Holiday` is TRUE."));
  auto p = c.profile();
  auto& aux = p["files"]["auxiliary"];
  CAF_REQUIRE_EQUAL(aux.Size(), 1u);
  CAF_CHECK_EQUAL(get_string(aux[0], "path"), "data/stores.csv");
  CAF_CHECK_EQUAL(aux[0]["rows"].GetInt64(), 2);
  CAF_CHECK_EQUAL(strings_at(aux[0], "columns"), strings({"Store", "Size"}));
  CAF_CHECK_EQUAL(strings_at(p["submission"], "key_columns"), strings({"Id"}));
  CAF_CHECK_EQUAL(get_string(p["metric"], "name"), "wmae");
  CAF_CHECK_EQUAL(get_string(p["metric"]["weights"], "column"), "Holiday");
  CAF_CHECK_EQUAL(p["metric"]["weights"]["value"].GetDouble(), 5.0);
}

CAF_TEST(json records with a list field and a target first sample) {
  competition c;
  c.data("train.json", R"([{"text": "a b", "tags": ["x"], "label": "pos"},
                           {"text": "c d", "tags": [], "label": "neg"}])")
    .data("test.json", R"([{"text": "e f", "tags": ["y", "z"]}])")
    .data("sample_submission.csv", "label,text\npos,e f\n")
    .file("description.md", desc("Accuracy."));
  auto p = c.profile();
  CAF_CHECK_EQUAL(strings_at(p["submission"], "key_columns"), strings({"text"}));
  CAF_CHECK_EQUAL(get_string(p["targets"][0], "submission_column"), "label");
  std::string tags_kind;
  for (auto& col : p["columns"].GetArray())
    if (get_string(col, "name") == "tags")
      tags_kind = get_string(col, "kind");
  CAF_CHECK_EQUAL(tags_kind, "list");
}

CAF_TEST(a blank target column in test still makes it the target) {
  competition c;
  c.data("train.csv", "id,x,y\n1,1,0\n2,2,1\n3,3,0\n")
    .data("test.csv", "id,x,y\n4,4,\n5,5,\n")
    .data("sample_submission.csv", "id,y\n4,0\n5,0\n")
    .file("description.md", desc("Accuracy."));
  auto p = c.profile();
  CAF_CHECK(!p.HasMember("fallback"));
  CAF_CHECK_EQUAL(get_string(p["targets"][0], "train_column"), "y");
}

CAF_TEST(an undecidable layout gives a fallback profile and no error) {
  competition c;
  c.data("train.csv", "id,x,y\n1,1,0\n2,2,1\n")
    .data("sample_submission.csv", "id,y\n7,0\n8,0\n");
  auto p = c.profile();
  CAF_REQUIRE(p.HasMember("fallback"));
  CAF_CHECK_NOT_EQUAL(get_string(p, "fallback").find("no test file"), std::string::npos);
  CAF_CHECK_EQUAL(strings_at(p["submission"], "key_columns"), strings({"id", "y"}));
  CAF_CHECK_EQUAL(get_string(p, "task"), "unknown");
}

CAF_TEST(a missing sample submission is the only hard failure) {
  competition c;
  c.data("train.csv", "id,y\n1,0\n").data("test.csv", "id\n2\n");
  auto p = analyze_competition(c.dir);
  CAF_CHECK(!p);
  CAF_CHECK_NOT_EQUAL(p.error().find("sample submission"), std::string::npos);
}
