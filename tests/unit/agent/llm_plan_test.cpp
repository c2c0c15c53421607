#define CAF_SUITE agent.llm_plan
#include "caf/test/dsl.hpp"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "agent/json_io.hpp"
#include "agent/llm/llm_planner.hpp"
#include "agent/llm/plan_schema.hpp"
#include "agent/llm/reply_text.hpp"
#include "agent/plan.hpp"

using namespace kagent::agent;
using namespace kagent::agent::llm;

namespace {

rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  return d;
}

rapidjson::Document rules(const std::string& task) {
  auto prof = parse("{\"task\": \"" + task + "\", \"metric\": {\"name\": \"auc\"}, "
                    "\"files\": {\"train\": {\"rows\": 1000}}}");
  return rules_plan(prof, plan_options{});
}

std::string check(const std::string& proposal) {
  auto p = parse(proposal);
  auto r = check_proposal(p);
  return r ? "ok" : r.error();
}

const std::string good =
  R"({"candidates": [{"name": "gbm", "model": "hist_gradient_boosting", "features": "rich",
       "params": {"learning_rate": 0.1, "max_leaf_nodes": 15}},
      {"name": "lin", "model": "logistic_regression", "features": "base", "text": "text",
       "params": {"C_grid": [0.1, 1, 10]}, "why": "text signal"}],
     "cv": {"folds": 3}, "blend": {"max_members": 2}, "notes": ["small data"]})";

} // namespace

CAF_TEST(the rule planners candidates pass the schema for every task) {
  for (auto task : {"binary_classification", "multiclass_classification", "regression"}) {
    auto plan = rules(task);
    rapidjson::Document p(rapidjson::kObjectType);
    p.AddMember("candidates", rapidjson::Value(plan["candidates"], p.GetAllocator()),
                p.GetAllocator());
    p.AddMember("cv", rapidjson::Value(plan["cv"], p.GetAllocator()), p.GetAllocator());
    p.AddMember("blend", rapidjson::Value(plan["blend"], p.GetAllocator()), p.GetAllocator());
    auto r = check_proposal(p);
    CAF_CHECK_EQUAL(r ? std::string{"ok"} : r.error(), "ok");
  }
}

CAF_TEST(the schema knows exactly the models of the solution template) {
  std::ifstream in{std::string{KAGENT_SOURCE_DIR} + "/agent/templates/solution/60_models.py"};
  std::stringstream ss;
  ss << in.rdbuf();
  auto text = ss.str();
  auto start = text.find("MODEL_CLASSES = {");
  CAF_REQUIRE(start != std::string::npos);
  auto block = text.substr(start, text.find('}', start) - start);
  std::set<std::string> in_template;
  std::regex key{"\"([a-z_]+)\":"};
  for (std::sregex_iterator i{block.begin(), block.end(), key}, e; i != e; ++i)
    in_template.insert((*i)[1]);
  std::set<std::string> in_schema(known_models().begin(), known_models().end());
  CAF_CHECK_EQUAL(in_schema, in_template);
}

CAF_TEST(a good proposal passes and is merged into the rule plan) {
  CAF_CHECK_EQUAL(check(good), "ok");
  auto plan = rules("binary_classification");
  auto p = parse(good);
  merge_proposal(plan, p);
  CAF_CHECK_EQUAL(plan["candidates"].Size(), 2u);
  CAF_CHECK_EQUAL(get_string(plan["candidates"][0], "name"), "gbm");
  CAF_CHECK_EQUAL(plan["cv"]["folds"].GetInt(), 3);
  CAF_CHECK_EQUAL(plan["cv"]["seed"].GetInt(), 42); // kept from the rules
  auto seeded = parse(R"({"candidates": [{"name": "x", "model": "svm", "features": "base"}],
                          "cv": {"folds": 4, "seed": 7}})");
  CAF_CHECK(check_proposal(seeded));
  merge_proposal(plan, seeded);
  CAF_CHECK_EQUAL(plan["cv"]["seed"].GetInt(), 42);
  CAF_CHECK_EQUAL(plan["cv"]["folds"].GetInt(), 4);
  merge_proposal(plan, p);
  CAF_CHECK_EQUAL(plan["blend"]["max_members"].GetInt(), 2);
  CAF_CHECK_EQUAL(plan["blend"]["enabled"].GetBool(), true);
  CAF_CHECK_EQUAL(plan["time_budget_seconds"].GetDouble(), 120.0);
  auto notes = get_strings(plan, "notes");
  CAF_CHECK(!notes.empty() && notes.back() == "llm: small data");
}

CAF_TEST(invalid proposals are refused with the reason) {
  CAF_CHECK(check(R"({"candidates": []})").find("1 to 16") != std::string::npos);
  CAF_CHECK(check(R"({"candidates": [{"name": "x", "model": "deep_forest", "features": "base"}]})")
              .find("unknown model 'deep_forest'") != std::string::npos);
  CAF_CHECK(check(R"({"candidates": [{"name": "x", "model": "svm", "features": "fancy"}]})")
              .find("features must be one of") != std::string::npos);
  CAF_CHECK(check(R"({"candidates": [{"name": "x", "model": "svm", "features": "base",
                     "params": {"gamma": 2}}]})").find("unknown field 'gamma'") != std::string::npos);
  CAF_CHECK(check(R"({"candidates": [{"name": "x", "model": "xgboost", "features": "base",
                     "params": {"max_depth": 1000}}]})").find("max_depth must be an integer")
            != std::string::npos);
  CAF_CHECK(check(R"({"candidates": [{"name": "x", "model": "xgboost", "features": "base",
                     "params": {"max_depth": 4.5}}]})").find("max_depth") != std::string::npos);
  CAF_CHECK(check(R"({"candidates": [{"name": "x", "model": "svm", "features": "base"},
                                     {"name": "x", "model": "svm", "features": "rich"}]})")
              .find("used twice") != std::string::npos);
  CAF_CHECK(check(R"({"candidates": [{"name": "Bad Name", "model": "svm", "features": "base"}]})")
              .find("needs a name") != std::string::npos);
  CAF_CHECK(check(R"({"candidates": [{"name": "o", "model": "ordinal_regression", "features": "base"}]})").find("needs \"requires\": \"ordinal\"") != std::string::npos);
  CAF_CHECK(check(R"({"candidates": [{"name": "s", "model": "linear_svm", "features": "rich", "text": "text"}]})").find("needs \"requires\": \"label_metric\"") != std::string::npos);
  CAF_CHECK(check(R"({"candidates": [{"name": "x", "model": "svm", "features": "base"}],
                     "cv": {"folds": 50}})").find("folds") != std::string::npos);
  CAF_CHECK(check(R"({"candidates": [{"name": "x", "model": "svm", "features": "base"}],
                     "seed": 7})").find("unknown plan field 'seed'") != std::string::npos);
  CAF_CHECK(check(R"({"candidates": [{"name": "x", "model": "svm", "features": "base"}],
                     "target_transform": "sqrt"})").find("target_transform") != std::string::npos);
  CAF_CHECK(check(R"([1, 2])").find("must be a JSON object") != std::string::npos);
}

CAF_TEST(a reply in prose and fences gives its plan with the planner named) {
  auto rplan = rules("binary_classification");
  auto reply = "Here is my plan:\n```json\n" + good + "\n```\nGood luck!";
  auto plan = plan_from_reply(reply, rplan, "llm:m1");
  CAF_REQUIRE(plan);
  CAF_CHECK_EQUAL(get_string(*plan, "planner"), "llm:m1");
  CAF_CHECK_EQUAL(plan->operator[]("candidates").Size(), 2u);
  auto bad = plan_from_reply("I cannot help with that.", rplan, "llm:m1");
  CAF_CHECK(!bad && bad.error() == "the reply holds no JSON object");
  auto broken = plan_from_reply("{\"candidates\": [", rplan, "llm:m1");
  CAF_CHECK(!broken);
}

CAF_TEST(the planner prompt names the task and shows the rule plan as an example) {
  auto prof = parse(R"({"task": "regression", "metric": {"name": "rmse"}})");
  auto rplan = rules_plan(prof, plan_options{});
  auto req = plan_prompt(prof, rplan);
  CAF_CHECK_EQUAL(req.task, "plan");
  CAF_CHECK(req.user.find("Task: regression; metric: rmse") != std::string::npos);
  CAF_CHECK(req.user.find("\"name\":\"hgb\"") != std::string::npos);
  CAF_CHECK(req.system.find("hist_gradient_boosting") != std::string::npos);
}

CAF_TEST(json objects are found in prose with braces inside strings) {
  auto j = json_object_in(R"(ok {"a": "x}y", "b": {"c": 1}} trailing })");
  CAF_REQUIRE(j);
  CAF_CHECK_EQUAL(*j, R"({"a": "x}y", "b": {"c": 1}})");
  CAF_CHECK(!json_object_in("no object here"));
}

CAF_TEST(programs are taken from the longest python fence or a bare program) {
  auto p = program_in("Fixed:\n```python\nprint(1)\nprint(2)\n```\nand\n```\nx=1\n```\n");
  CAF_REQUIRE(p);
  CAF_CHECK_EQUAL(*p, "print(1)\nprint(2)\n");
  auto bare = program_in("import sys\nprint(sys.argv)\n");
  CAF_REQUIRE(bare);
  CAF_CHECK_EQUAL(*bare, "import sys\nprint(sys.argv)\n");
  CAF_CHECK(!program_in("Sorry, I can't."));
  auto cut = program_in("```python\nimport os\nprint(");
  CAF_REQUIRE(cut);
  CAF_CHECK_EQUAL(*cut, "import os\nprint(");
}
