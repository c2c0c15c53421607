#define CAF_SUITE agent.llm_stages
#include "caf/test/dsl.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>

#include "../standin_process.hpp"
#include "agent/generate.hpp"
#include "agent/json_io.hpp"
#include "agent/llm/llm_stages.hpp"
#include "agent/plan.hpp"

using namespace kagent;
using namespace kagent::agent;
namespace fs = std::filesystem;

namespace {

const std::string replies = std::string{KAGENT_SOURCE_DIR} + "/tests/standins/replies/";

// A job dir with iris's profile, and the stand-in in direct mode (with a key).
struct fixture {
  testing::standin_process standin{"sk-stage-test"};
  fs::path job = fs::temp_directory_path()
                 / ("kagent-llm-stage-" + std::to_string(::getpid()) + "-"
                    + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fixture() {
    fs::create_directories(job);
    std::ofstream{job / "profile.json"}
      << R"({"task": "multiclass_classification", "metric": {"name": "accuracy"},
             "submission": {"output": "label"}, "files": {"train": {"rows": 105}},
             "columns": [{"name": "sepal_length", "role": "feature", "kind": "numeric"}]})";
  }
  ~fixture() {
    std::error_code ec;
    fs::remove_all(job, ec);
  }
  llm::llm_options llm(llm_dialect d = llm_dialect::anthropic) {
    llm::llm_options o;
    o.dialect = d;
    o.model = "standin-1";
    o.url = standin.url() + (d == llm_dialect::openai ? "/v1" : "");
    o.api_key = "sk-stage-test";
    o.timeout_s = 10;
    return o;
  }
  rapidjson::Document json(const std::string& name) {
    auto d = read_json_file((job / name).string());
    CAF_REQUIRE(d);
    return std::move(*d);
  }
  std::string text(const std::string& name) {
    auto t = read_text_file((job / name).string());
    return t ? *t : std::string{"<missing>"};
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(llm_stage_tests, fixture)

CAF_TEST(a good llm plan becomes plan json with the planner and its tokens) {
  CAF_REQUIRE(standin.script(R"({"plan": [{"file": ")" + replies + R"(good_plan.json"}]})"));
  plan_options opts;
  opts.llm = llm();
  CAF_REQUIRE(run_plan(job.string(), opts));
  auto plan = json("plan.json");
  CAF_CHECK_EQUAL(get_string(plan, "planner"), "llm:standin-1");
  CAF_CHECK_EQUAL(get_string(plan["candidates"][0], "name"), "gbm_fast");
  CAF_CHECK_EQUAL(plan["cv"]["folds"].GetInt(), 3);
  CAF_CHECK(!plan.HasMember("planner_fallback"));
  CAF_CHECK_GREATER(plan["llm"]["input_tokens"].GetInt64(), 0);
}

CAF_TEST(an invalid llm plan falls back to the rules with the reason) {
  CAF_REQUIRE(standin.script(R"({"plan": [{"file": ")" + replies + R"(invalid_plan.json"}]})"));
  plan_options opts;
  opts.llm = llm(llm_dialect::openai);
  CAF_REQUIRE(run_plan(job.string(), opts));
  auto plan = json("plan.json");
  CAF_CHECK_EQUAL(get_string(plan, "planner"), "rules");
  CAF_CHECK(get_string(plan, "planner_fallback").find("unknown model 'deep_forest'")
            != std::string::npos);
  CAF_CHECK_EQUAL(get_string(plan["candidates"][0], "name"), "hgb");
}

CAF_TEST(an unreachable llm leaves the rule plan and says so) {
  plan_options opts;
  opts.llm = llm();
  opts.llm->url = "http://127.0.0.1:1";
  opts.llm->max_retries = 0;
  CAF_REQUIRE(run_plan(job.string(), opts));
  auto plan = json("plan.json");
  CAF_CHECK_EQUAL(get_string(plan, "planner"), "rules");
  CAF_CHECK(get_string(plan, "planner_fallback").find("connection failed") != std::string::npos);
}

CAF_TEST(the llm writes solution py and the template is kept beside it) {
  CAF_REQUIRE(standin.script(R"({"plan": [{"file": ")" + replies + R"(good_plan.json"}],
                                 "write": [{"file": ")" + replies + R"(good_solution.py"}]})"));
  plan_options popts;
  popts.llm = llm();
  CAF_REQUIRE(run_plan(job.string(), popts));
  CAF_REQUIRE(run_generate(job.string(), generate_options{llm()}));
  CAF_CHECK(text("solution.py").find("standin-program good") != std::string::npos);
  CAF_CHECK(text("solution_template.py").find("__KAGENT_PROFILE_JSON__") == std::string::npos);
  CAF_CHECK(text("solution_template.py").find("def candidate_list") != std::string::npos);
  auto rec = json("generation.json");
  CAF_CHECK_EQUAL(get_string(rec, "writer"), "llm:standin-1");
  CAF_CHECK_EQUAL(get_string(rec, "template"), "solution_template.py");
  // The write prompt carried the rendered template as the example.
  auto log = standin.requests();
  auto& last = log["requests"][log["requests"].Size() - 1];
  CAF_CHECK_GREATER(last["user_chars"].GetInt64(), 50000);
}

CAF_TEST(a reply cut at the token limit leaves the template as solution py) {
  CAF_REQUIRE(standin.script(R"({"write": [{"file": ")" + replies + R"(good_solution.py", "cut": true}]})"));
  std::ofstream{job / "plan.json"} << to_json_line(rules_plan(json("profile.json"), plan_options{}));
  CAF_REQUIRE(run_generate(job.string(), generate_options{llm()}));
  CAF_CHECK_EQUAL(text("solution.py"), text("solution_template.py"));
  auto rec = json("generation.json");
  CAF_CHECK_EQUAL(get_string(rec, "writer"), "template");
  CAF_CHECK(get_string(rec, "fallback").find("token limit") != std::string::npos);
}

CAF_TEST(a repair round sends the error output and writes the fixed program) {
  CAF_REQUIRE(standin.script(R"({"repair-2": [{"file": ")" + replies + R"(good_solution.py"}]})"));
  std::ofstream{job / "solution_1.py"} << "print(1/0)\n";
  std::ofstream{job / "train_error_1.txt"} << "ZeroDivisionError: division by zero\n";
  llm::repair_files f{2, 3, "solution_1.py", "train_error_1.txt", "solution_2.py", "repair_2.json"};
  CAF_REQUIRE(llm::run_repair(job.string(), f, llm()));
  CAF_CHECK(text("solution_2.py").find("standin-program good") != std::string::npos);
  auto rec = json("repair_2.json");
  CAF_CHECK_EQUAL(get_string(rec, "program"), "solution_2.py");
  CAF_CHECK_EQUAL(rec["round"].GetInt(), 2);
  auto log = standin.requests();
  std::string user = log["requests"][0]["user"].GetString();
  CAF_CHECK(user.find("Repair round 2 of 3") != std::string::npos);
  CAF_CHECK(user.find("ZeroDivisionError: division by zero") != std::string::npos);
  CAF_CHECK(user.find("print(1/0)") != std::string::npos);
}

CAF_TEST(a repair without a usable reply records why and writes no program) {
  CAF_REQUIRE(standin.script(R"({"repair-1": [{"text": "I am not sure how to fix this."}]})"));
  std::ofstream{job / "solution.py"} << "print(1/0)\n";
  std::ofstream{job / "train_error_0.txt"} << "boom\n";
  llm::repair_files f{1, 2, "solution.py", "train_error_0.txt", "solution_1.py", "repair_1.json"};
  CAF_REQUIRE(llm::run_repair(job.string(), f, llm()));
  CAF_CHECK(!fs::exists(job / "solution_1.py"));
  auto rec = json("repair_1.json");
  CAF_CHECK_EQUAL(get_string(rec, "program"), "");
  CAF_CHECK_EQUAL(get_string(rec, "error"), "the reply holds no Python program");
  llm::repair_files escape{1, 2, "../x.py", "train_error_0.txt", "solution_1.py", "repair_1.json"};
  CAF_CHECK(!llm::run_repair(job.string(), escape, llm()));
}

CAF_TEST_FIXTURE_SCOPE_END()
