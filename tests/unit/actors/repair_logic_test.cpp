#define CAF_SUITE actors.repair_logic
#include "caf/test/dsl.hpp"

#include "actors/job_metadata.hpp"
#include "actors/llm_metadata.hpp"
#include "actors/repair_logic.hpp"

using namespace kagent;

namespace {

using kind = train_action::kind;

// The checkpoints of a job whose program the LLM wrote.
checkpoints llm_written() {
  checkpoints done;
  done["analyze"] = {{"profile.json", "{}"}};
  done["plan"] = {{"plan.json", R"({"planner":"llm:m","llm":{"input_tokens":100,"output_tokens":10}})"}};
  done["generate"] = {{"solution.py", "crash"},
                      {"solution_template.py", "template"},
                      {"generation.json",
                       R"({"writer":"llm:m","llm":{"input_tokens":1000,"output_tokens":200}})"}};
  return done;
}

void fail_round(checkpoints& done, int i) {
  done["train-fail-" + std::to_string(i)] = {
    {"train_error_" + std::to_string(i) + ".txt", "Traceback"}};
}

void repair_round(checkpoints& done, int k, bool with_program = true) {
  auto ks = std::to_string(k);
  stage_outputs files{{"repair_" + ks + ".json",
                       R"({"round":)" + ks + R"(,"llm":{"input_tokens":50,"output_tokens":5}})"}};
  if (with_program)
    files["solution_" + ks + ".py"] = "fixed";
  done["repair-" + ks] = files;
}

pipeline_options llm_pipeline() {
  pipeline_options o;
  o.llm.dialect = "anthropic";
  o.llm.model = "m";
  o.llm.socket = "/var/run/llm.sock";
  o.llm.repair_rounds = 2;
  return o;
}

} // namespace

CAF_TEST(without an llm written program train runs solution py as ever) {
  checkpoints done;
  done["generate"] = {{"solution.py", "template"}};
  auto a = next_train_action(done, 2);
  CAF_CHECK(a.what == kind::program);
  CAF_CHECK_EQUAL(a.program, "solution.py");
  CAF_CHECK(!a.repairable);
  CAF_CHECK(a.note.empty());
  auto steps = train_steps(a, pipeline_options{}, 0);
  auto plain = steps_for("train", pipeline_options{}, 0);
  CAF_REQUIRE_EQUAL(steps.size(), plain.size());
  for (size_t i = 0; i < steps.size(); ++i)
    CAF_CHECK_EQUAL(steps[i].argv, plain[i].argv);
  CAF_CHECK_EQUAL(checkpoint_key(a), "train");
}

CAF_TEST(the llm program runs first and its failure is recorded under its round) {
  auto done = llm_written();
  auto a = next_train_action(done, 2);
  CAF_CHECK(a.what == kind::program && a.repairable && a.round == 0);
  CAF_CHECK_EQUAL(a.program, "solution.py");
  stage_result r;
  r.exit_code = 1;
  r.error = "ZeroDivisionError";
  CAF_CHECK(goes_to_repair(a, r));
  auto f = failure_of(a);
  CAF_CHECK_EQUAL(checkpoint_key(f), "train-fail-0");
  auto files = failure_files(a, "the error");
  CAF_CHECK_EQUAL(files.at("train_error_0.txt"), "the error");
  CAF_CHECK_EQUAL(repair_checkpoint_files("train-fail-0"),
                  std::vector<std::string>{"train_error_0.txt"});
}

CAF_TEST(a recorded failure leads to repair round 1 with the failed program and its error) {
  auto done = llm_written();
  fail_round(done, 0);
  auto a = next_train_action(done, 2);
  CAF_CHECK(a.what == kind::repair);
  CAF_CHECK_EQUAL(a.round, 1);
  CAF_CHECK_EQUAL(checkpoint_key(a), "repair-1");
  auto steps = train_steps(a, llm_pipeline(), 60);
  CAF_REQUIRE_EQUAL(steps.size(), 1u);
  auto& argv = steps[0].argv;
  auto after = [&](const std::string& flag) {
    auto i = std::find(argv.begin(), argv.end(), flag);
    return i == argv.end() || i + 1 == argv.end() ? std::string{} : *(i + 1);
  };
  CAF_CHECK_EQUAL(argv[1], "repair");
  CAF_CHECK_EQUAL(after("--program"), "solution.py");
  CAF_CHECK_EQUAL(after("--error"), "train_error_0.txt");
  CAF_CHECK_EQUAL(after("--out"), "solution_1.py");
  CAF_CHECK_EQUAL(after("--record"), "repair_1.json");
  CAF_CHECK(std::find(argv.begin(), argv.end(), "--llm-socket={llm_socket}") != argv.end());
  CAF_CHECK(steps[0].llm_access);
  CAF_CHECK_EQUAL(steps[0].required, std::vector<std::string>{"repair_1.json"});
  CAF_CHECK_EQUAL(steps[0].optional, std::vector<std::string>{"solution_1.py"});
}

CAF_TEST(a committed repair runs its program and then the next round repairs that one) {
  auto done = llm_written();
  fail_round(done, 0);
  repair_round(done, 1);
  auto a = next_train_action(done, 2);
  CAF_CHECK(a.what == kind::program && a.repairable);
  CAF_CHECK_EQUAL(a.program, "solution_1.py");
  auto steps = train_steps(a, llm_pipeline(), 60);
  CAF_CHECK_EQUAL(steps[0].argv[1], "{job}/solution_1.py");
  CAF_CHECK(!steps[0].llm_access);
  CAF_CHECK(!steps[1].llm_access);
  fail_round(done, 1);
  auto b = next_train_action(done, 2);
  CAF_CHECK(b.what == kind::repair && b.round == 2);
  auto argv = train_steps(b, llm_pipeline(), 60)[0].argv;
  CAF_CHECK(std::find(argv.begin(), argv.end(), "solution_1.py") != argv.end());
  CAF_CHECK(std::find(argv.begin(), argv.end(), "train_error_1.txt") != argv.end());
}

CAF_TEST(after the last round fails the template program runs and says why) {
  auto done = llm_written();
  fail_round(done, 0);
  repair_round(done, 1);
  fail_round(done, 1);
  repair_round(done, 2);
  fail_round(done, 2);
  auto a = next_train_action(done, 2);
  CAF_CHECK(a.what == kind::program && !a.repairable);
  CAF_CHECK_EQUAL(a.program, "solution_template.py");
  CAF_CHECK_EQUAL(a.round, -1);
  CAF_CHECK(a.note.find("still fails after 2 repair rounds") != std::string::npos);
  stage_result r;
  r.exit_code = 1;
  CAF_CHECK(!goes_to_repair(a, r)); // the template's failure is an ordinary one
}

CAF_TEST(a round without a program and zero rounds go straight to the template) {
  auto done = llm_written();
  fail_round(done, 0);
  repair_round(done, 1, false);
  auto a = next_train_action(done, 2);
  CAF_CHECK_EQUAL(a.program, "solution_template.py");
  CAF_CHECK(a.note.find("repair round 1 gave no program") != std::string::npos);
  auto zero = llm_written();
  fail_round(zero, 0);
  CAF_CHECK_EQUAL(next_train_action(zero, 0).program, "solution_template.py");
}

CAF_TEST(cancellation a lost launcher and an unsafe output are not failures of the program) {
  auto a = next_train_action(llm_written(), 2);
  stage_result cancelled;
  cancelled.cancelled = true;
  CAF_CHECK(!goes_to_repair(a, cancelled));
  stage_result lost;
  lost.error = "launcher: request_timeout";
  CAF_CHECK(!goes_to_repair(a, lost));
  stage_result timed_out;
  timed_out.timed_out = true;
  CAF_CHECK(goes_to_repair(a, timed_out));
  stage_result planted; // a link among the outputs fails the stage, as on every stage
  planted.exit_code = 1;
  planted.unsafe_output = true;
  planted.error = "output metrics.json is a symbolic link";
  CAF_CHECK(!goes_to_repair(a, planted));
}

CAF_TEST(a repair step that failed outright is a round without a program) {
  train_action a;
  a.what = kind::repair;
  a.round = 1;
  auto files = failed_repair_files(a, "train stage: exited with code 1");
  CAF_CHECK(files.at("repair_1.json").find("exited with code 1") != std::string::npos);
  auto done = llm_written();
  fail_round(done, 0);
  done["repair-1"] = files;
  CAF_CHECK_EQUAL(next_train_action(done, 2).program, "solution_template.py");
}

CAF_TEST(the output tail keeps the last lines within its bounds) {
  output_tail t{3, 1000};
  for (int i = 0; i < 10; ++i)
    t.add("line " + std::to_string(i));
  CAF_CHECK_EQUAL(t.text(), "line 7\nline 8\nline 9\n");
  output_tail small{100, 20};
  small.add(std::string(15, 'a'));
  small.add(std::string(15, 'b'));
  CAF_CHECK_EQUAL(small.text(), std::string(15, 'b') + "\n");
  output_tail longline;
  longline.add(std::string(2000, 'x'));
  CAF_CHECK(longline.text().size() < 520);
}

CAF_TEST(plan and generate get llm flags and the socket only with an llm) {
  auto plain = steps_for("plan", pipeline_options{}, 60);
  CAF_CHECK(!plain[0].llm_access);
  for (auto& a : plain[0].argv)
    CAF_CHECK(a.find("--llm") == std::string::npos);
  auto with = steps_for("generate", llm_pipeline(), 60);
  CAF_CHECK(with[0].llm_access);
  CAF_CHECK(std::find(with[0].argv.begin(), with[0].argv.end(), "--llm=anthropic")
            != with[0].argv.end());
  CAF_CHECK(std::find(with[0].argv.begin(), with[0].argv.end(), "--llm-model=m")
            != with[0].argv.end());
  for (auto& s : steps_for("train", llm_pipeline(), 60)) {
    CAF_CHECK(!s.llm_access);
    for (auto& a : s.argv)
      CAF_CHECK(a.find("llm") == std::string::npos);
  }
}

CAF_TEST(the llm summary names planner writer rounds fallback and tokens) {
  auto done = llm_written();
  fail_round(done, 0);
  repair_round(done, 1);
  auto s = summarize_llm(done, 2);
  CAF_CHECK_EQUAL(s.planner, "llm:m");
  CAF_CHECK_EQUAL(s.writer, "llm:m");
  CAF_CHECK_EQUAL(s.repair_rounds, 1);
  CAF_CHECK_EQUAL(s.input_tokens, 1150);
  CAF_CHECK_EQUAL(s.output_tokens, 215);
  CAF_CHECK(s.fallback.empty());
  fail_round(done, 1);
  repair_round(done, 2, false);
  CAF_CHECK(summarize_llm(done, 2).fallback.find("gave no program") != std::string::npos);
  job_metadata m;
  m.llm = summarize_llm(done, 2);
  auto json = render_metadata(m);
  CAF_CHECK(json.find(R"("planner":"llm:m")") != std::string::npos);
  CAF_CHECK(json.find(R"("repair_rounds":2)") != std::string::npos);
  CAF_CHECK(json.find(R"("llm_tokens":{"input":1200,"output":220})") != std::string::npos);
  auto back = parse_metadata(json);
  CAF_CHECK_EQUAL(back.llm.repair_rounds, 2);
  CAF_CHECK_EQUAL(back.llm.input_tokens, 1200);
}

CAF_TEST(without an llm the summary is empty and the metadata unchanged) {
  checkpoints done;
  done["plan"] = {{"plan.json", R"({"planner":"rules"})"}};
  done["generate"] = {{"solution.py", "x"}};
  auto s = summarize_llm(done, 2);
  CAF_CHECK(!s.used());
  job_metadata m;
  m.llm = s;
  CAF_CHECK(render_metadata(m).find("planner") == std::string::npos);
}

CAF_TEST(an llm plan that fell back says rules and why) {
  checkpoints done;
  done["plan"] = {{"plan.json", R"({"planner":"rules","planner_fallback":"invalid plan: unknown model 'x'","llm":{"input_tokens":9,"output_tokens":1}})"}};
  auto s = summarize_llm(done, 2);
  CAF_CHECK_EQUAL(s.planner, "rules");
  CAF_CHECK_EQUAL(s.planner_note, "invalid plan: unknown model 'x'");
  CAF_CHECK_EQUAL(s.input_tokens, 9);
}
