#define CAF_SUITE agent.plan
#include "caf/test/dsl.hpp"

#include "agent/json_io.hpp"
#include "agent/plan.hpp"

using namespace kagent::agent;

namespace {

using strings = std::vector<std::string>;

rapidjson::Document profile_of(const std::string& task, const std::string& metric, int64_t rows) {
  rapidjson::Document p;
  p.Parse(("{\"task\": \"" + task + "\", \"metric\": {\"name\": \"" + metric +
           "\"}, \"submission\": {\"output\": \"value\"}, \"files\": {\"train\": {\"rows\": " +
           std::to_string(rows) + "}}}").c_str());
  return p;
}

rapidjson::Document plan_of(const std::string& task, const std::string& metric, int64_t rows = 1000) {
  plan_options opts;
  opts.time_budget_seconds = 90;
  return rules_plan(profile_of(task, metric, rows), opts);
}

std::string model_of(const rapidjson::Document& plan, const std::string& name) {
  for (auto& c : plan["candidates"].GetArray())
    if (get_string(c, "name") == name)
      return get_string(c, "model");
  return "";
}

} // namespace

CAF_TEST(the candidate race is the fixed ordered list with the baseline first) {
  auto plan = plan_of("binary_classification", "auc");
  strings names;
  for (auto& c : plan["candidates"].GetArray())
    names.push_back(get_string(c, "name"));
  CAF_CHECK_EQUAL(names, strings({"hgb", "text_linear", "text_svm", "text_words", "hgb_full", "hgb_pivot",
                                  "xgboost", "hgb_te", "text_linear_all", "hgb_small", "hgb_log", "ordinal",
                                  "linear", "linear_l1", "extra_trees", "svm"}));
  auto& c = plan["candidates"];
  CAF_CHECK_EQUAL(get_string(c[1], "text"), "text");
  CAF_CHECK(c[3]["params"]["plain_text"].GetBool());
  CAF_CHECK_EQUAL(get_string(c[8], "text"), "all");
  CAF_CHECK(c[7]["params"]["target_encoding"].GetBool());
  CAF_CHECK_EQUAL(c[9]["params"]["max_leaf_nodes"].GetInt(), 8);
  CAF_CHECK_EQUAL(get_string(c[10], "requires"), "positive_skewed_target");
  CAF_CHECK_EQUAL(get_string(c[10]["params"], "transform"), "log1p");
  CAF_CHECK_EQUAL(get_string(c[11], "requires"), "ordinal");
  CAF_CHECK_EQUAL(c[13]["params"]["C_grid"].Size(), 7u);
  CAF_CHECK_EQUAL(get_string(c[15], "requires"), "small");
  for (auto& cand : c.GetArray())
    CAF_CHECK(!get_string(cand, "why").empty());
  CAF_CHECK_EQUAL(model_of(plan, "linear"), "logistic_regression");
  CAF_CHECK_EQUAL(get_string(plan, "planner"), "rules");
}

CAF_TEST(linear candidates of a regression task are ridge) {
  auto plan = plan_of("regression", "rmse");
  CAF_CHECK_EQUAL(model_of(plan, "text_linear"), "ridge");
  CAF_CHECK_EQUAL(model_of(plan, "text_words"), "ridge");
  CAF_CHECK_EQUAL(model_of(plan, "text_linear_all"), "ridge");
  CAF_CHECK_EQUAL(model_of(plan, "linear"), "ridge");
  CAF_CHECK_EQUAL(model_of(plan, "hgb"), "hist_gradient_boosting");
}

CAF_TEST(cross validation blend and budget follow the profile and options) {
  auto small = plan_of("regression", "rmse", 5000);
  CAF_CHECK_EQUAL(small["cv"]["folds"].GetInt(), 5);
  CAF_CHECK_EQUAL(small["cv"]["max_rows"].GetInt(), 200000);
  CAF_CHECK_EQUAL(small["cv"]["seed"].GetInt(), 42);
  CAF_CHECK_EQUAL(plan_of("regression", "rmse", 100001)["cv"]["folds"].GetInt(), 3);
  CAF_CHECK(small["blend"]["enabled"].GetBool());
  CAF_CHECK_EQUAL(small["blend"]["max_members"].GetInt(), 4);
  CAF_CHECK_EQUAL(small["seed"].GetInt(), 42);
  CAF_CHECK_EQUAL(small["n_jobs"].GetInt(), 1);
  CAF_CHECK_EQUAL(small["time_budget_seconds"].GetDouble(), 90.0);
}

CAF_TEST(the target transform follows the metric) {
  CAF_CHECK_EQUAL(get_string(plan_of("regression", "rmsle"), "target_transform"), "log1p");
  CAF_CHECK_EQUAL(get_string(plan_of("multi_target_regression", "mcrmsle"), "target_transform"), "log1p");
  CAF_CHECK_EQUAL(get_string(plan_of("regression", "rmse_log"), "target_transform"), "log");
  CAF_CHECK_EQUAL(get_string(plan_of("regression", "medae"), "target_transform"), "none");
}

CAF_TEST(a fallback profile still gets a plan) {
  rapidjson::Document p;
  p.Parse(R"({"fallback": "no test file", "task": "unknown", "metric": {"name": ""}})");
  auto plan = rules_plan(p, {});
  CAF_CHECK_EQUAL(plan["candidates"].Size(), 16u);
  CAF_CHECK_EQUAL(plan["notes"].Size(), 1u);
}
