#define CAF_SUITE agent.llm_writer
#include "caf/test/dsl.hpp"

#include "agent/llm/code_writer.hpp"
#include "agent/llm/llm_stages.hpp"

using namespace kagent::agent::llm;

namespace {

chat_reply reply(const std::string& text, const std::string& stop = "end_turn") {
  chat_reply r;
  r.text = text;
  r.stop_reason = stop;
  return r;
}

rapidjson::Document profile() {
  rapidjson::Document d;
  d.Parse(R"({"task": "regression"})");
  return d;
}

} // namespace

CAF_TEST(a program that writes submission.csv is taken from its fence) {
  auto p = program_from_reply(reply("```python\nopen('submission.csv', 'w')\n```"));
  CAF_REQUIRE(p);
  CAF_CHECK_EQUAL(*p, "open('submission.csv', 'w')\n");
}

CAF_TEST(cut no code or no submission are refused with the reason) {
  auto cut = program_from_reply(reply("```python\nimport os\n", "max_tokens"));
  CAF_CHECK(!cut && cut.error().find("token limit") != std::string::npos);
  auto length = program_from_reply(reply("```python\nimport os\n", "length"));
  CAF_CHECK(!length);
  auto prose = program_from_reply(reply("I would use gradient boosting."));
  CAF_CHECK(!prose && prose.error() == "the reply holds no Python program");
  auto quiet = program_from_reply(reply("```python\nprint('hi')\n```"));
  CAF_CHECK(!quiet && quiet.error() == "the program never writes submission.csv");
}

CAF_TEST(the write prompt states the contract and embeds the example) {
  rapidjson::Document plan;
  plan.Parse(R"({"time_budget_seconds": 60})");
  auto req = write_prompt(profile(), plan, "# EXAMPLE PROGRAM", 1000);
  CAF_CHECK_EQUAL(req.task, "write");
  CAF_CHECK_EQUAL(req.max_tokens, 1000);
  CAF_CHECK(req.system.find("metrics.json") != std::string::npos);
  CAF_CHECK(req.system.find("\"progress\"") != std::string::npos);
  CAF_CHECK(req.user.find("# EXAMPLE PROGRAM") != std::string::npos);
  CAF_CHECK(req.user.find("\"time_budget_seconds\":60") != std::string::npos);
}

CAF_TEST(the repair prompt carries the round the error and the program) {
  auto req = repair_prompt(profile(), "print(1/0)", "ZeroDivisionError: division by zero", 2, 3,
                           500);
  CAF_CHECK_EQUAL(req.task, "repair");
  CAF_CHECK(req.user.find("Repair round 2 of 3") != std::string::npos);
  CAF_CHECK(req.user.find("ZeroDivisionError") != std::string::npos);
  CAF_CHECK(req.user.find("print(1/0)") != std::string::npos);
}

CAF_TEST(only plain names inside the job dir are accepted as stage files) {
  CAF_CHECK(plain_file_name("solution_2.py"));
  CAF_CHECK(plain_file_name("train_error_1.txt"));
  CAF_CHECK(!plain_file_name("../solution.py"));
  CAF_CHECK(!plain_file_name("/etc/passwd"));
  CAF_CHECK(!plain_file_name("a/b.py"));
  CAF_CHECK(!plain_file_name(".hidden"));
  CAF_CHECK(!plain_file_name(""));
}
