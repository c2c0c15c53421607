#include "actors/job_logic.hpp"

#include "actors/repair_logic.hpp"

#include "core/error.hpp"

#include <algorithm>

namespace kagent {

std::string first_pending_stage(const checkpoints& done) {
  for (auto& s : all_stages())
    if (done.count(s) == 0)
      return s;
  return {};
}

std::vector<std::string> llm_args(const llm_options& llm) {
  return {"--llm=" + llm.dialect, "--llm-model=" + llm.model, "--llm-socket={llm_socket}",
          "--llm-timeout=" + std::to_string(llm.timeout_s),
          "--llm-max-tokens=" + std::to_string(llm.max_tokens)};
}

std::vector<stage_step> steps_for(const std::string& stage, const pipeline_options& opts,
                                  int job_budget_s) {
  auto budget = std::to_string(job_budget_s > 0 ? job_budget_s : opts.time_budget_s);
  if (opts.llm.enabled() && (stage == "plan" || stage == "generate")) {
    // Without an LLM these stay exactly the steps below.
    auto steps = steps_for(stage, pipeline_options{}, job_budget_s > 0 ? job_budget_s
                                                                       : opts.time_budget_s);
    auto extra = llm_args(opts.llm);
    steps[0].argv.insert(steps[0].argv.end(), extra.begin(), extra.end());
    steps[0].llm_access = true;
    if (stage == "generate")
      steps[0].optional = {"solution_template.py", "generation.json"};
    return steps;
  }
  if (stage == "analyze")
    return {{{"{stage_bin}", "analyze", "--competition", "{competition}", "--job", "{job}"},
             {"profile.json"}}};
  if (stage == "plan")
    return {{{"{stage_bin}", "plan", "--job", "{job}", "--time-budget", budget},
             {"plan.json"}}};
  if (stage == "generate")
    return {{{"{stage_bin}", "generate", "--job", "{job}"}, {"solution.py"}}};
  if (stage == "train")
    return {{{"{python}", "{job}/solution.py", "--competition", "{competition}", "--job",
              "{job}"},
             {"submission.csv", "metrics.json"}},
            {{"{stage_bin}", "validate", "--competition", "{competition}", "--job", "{job}"},
             {"validation.json"}}};
  return {};
}

std::vector<std::string> checkpoint_files(const std::string& stage) {
  if (stage == "analyze")
    return {"profile.json"};
  if (stage == "plan")
    return {"plan.json"};
  if (stage == "generate")
    return {"solution.py", "solution_template.py", "generation.json"}; // the last two with an LLM
  if (stage == "train")
    return {"metrics.json", "validation.json"};
  return repair_checkpoint_files(stage);
}

failure_action on_failure(const stage_result& r, int attempt, int max_attempts) {
  if (r.cancelled)
    return failure_action::cancel;
  // A stage that ran out of wall-clock would only run out again.
  if (r.timed_out)
    return failure_action::time_out;
  // A link or device among the outputs is no accident: a rerun would plant it again.
  if (r.unsafe_output)
    return failure_action::fail;
  return attempt < max_attempts ? failure_action::retry : failure_action::fail;
}

int64_t retry_delay_ms(int next_attempt, int base_ms) {
  int shift = std::min(std::max(next_attempt - 2, 0), 10);
  return static_cast<int64_t>(base_ms) << shift;
}

std::vector<std::string> missing_outputs(const stage_step& step, const stage_result& r) {
  std::vector<std::string> out;
  for (auto& f : step.required)
    if (r.outputs.count(f) == 0)
      out.push_back(f);
  return out;
}

std::string describe_failure(const std::string& stage, const stage_result& r,
                             const std::vector<std::string>& missing) {
  std::string why;
  if (r.unsafe_output)
    why = r.error;
  else if (r.timed_out)
    why = "ran past its time limit";
  else if (r.cancelled)
    why = "was cancelled";
  else if (r.exit_code != 0)
    why = r.error.empty() ? (r.signal != 0 ? "was killed by signal " + std::to_string(r.signal)
                                           : "exited with code " + std::to_string(r.exit_code))
                          : r.error;
  else if (!missing.empty()) {
    why = "left no";
    for (auto& m : missing)
      why += " " + m;
  } else
    why = r.error.empty() ? "failed" : r.error;
  return stage + " stage: " + why;
}

metrics::failure_category failure_category_of(const stage_result& r, bool outputs_missing) {
  using metrics::failure_category;
  auto starts = [&](const char* prefix) { return r.error.rfind(prefix, 0) == 0; };
  // The order of describe_failure: the first cause it names is the category.
  if (r.unsafe_output)
    return failure_category::unsafe_output;
  if (r.timed_out)
    return failure_category::timeout;
  if (starts("could not commit outputs"))
    return failure_category::database;
  if (r.error.find(" was lost during the stage") != std::string::npos)
    return failure_category::node_lost;
  if (starts("sandbox: "))
    return failure_category::sandbox;
  if (starts("launcher: ") || starts("node ") || starts("competition files: "))
    return failure_category::launcher;
  if (r.exit_code != 0)
    return r.signal != 0 ? failure_category::killed : failure_category::program_error;
  if (outputs_missing)
    return failure_category::missing_output;
  return failure_category::other;
}

std::string stage_label(const std::string& stage) {
  if (stage == "analyze")
    return "Analyzing competition";
  if (stage == "plan")
    return "Planning strategy";
  if (stage == "generate")
    return "Generating solution code";
  if (stage == "train")
    return "Training model";
  return "Preparing";
}

double overall_progress(const std::string& stage, double within) {
  // Training dominates the wall-clock time, so it gets most of the bar. Each
  // stage starts where the previous one ends (sums, so no rounding gaps).
  static const double width[] = {0.05, 0.05, 0.05, 0.85};
  int n = stage_number(stage);
  if (n == 0)
    return 0.0;
  double start = 0;
  for (int i = 0; i + 1 < n; ++i)
    start += width[i];
  within = std::min(std::max(within, 0.0), 1.0);
  return std::min(1.0, start + width[n - 1] * within);
}

int64_t write_retry_delay_ms(int attempt) {
  return std::min<int64_t>(10'000, retry_delay_ms(attempt + 1, 500));
}

bool write_worth_retrying(const caf::error& err) {
  return code_of(err) == errc::db_unavailable || err.category() != errc_category;
}

} // namespace kagent
