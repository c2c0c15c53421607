// The job state machine's decisions as plain functions: which stage comes
// next, what each stage runs, when to retry, how a failure ends the job.
// The job actor only carries them out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/error.hpp>

#include "actors/messages.hpp"
#include "config/options.hpp"
#include "metrics/failure_category.hpp"

namespace kagent {

/// One child process of a stage: its argv (with {job}, {competition},
/// {stage_bin}, {python}, {llm_socket} placeholders) and the files it must
/// leave behind.
struct stage_step {
  std::vector<std::string> argv;
  std::vector<std::string> required;  ///< missing after exit 0 = failure
  std::vector<std::string> optional = {}; ///< read back when present
  bool llm_access = false;            ///< gets the LLM proxy socket
};

/// The --llm flags of a stage that calls the LLM (through {llm_socket}).
std::vector<std::string> llm_args(const llm_options& llm);

/// The first stage without committed outputs, or "" when all are done.
std::string first_pending_stage(const checkpoints& done);

/// What `stage` runs, in order (train = solution.py, then validate).
/// `job_budget_s` is the job's own model-search budget; 0 = the server's.
std::vector<stage_step> steps_for(const std::string& stage, const pipeline_options& opts,
                                  int job_budget_s = 0);

/// Outputs of `stage` that are committed as its checkpoint (small files;
/// the submission itself is stored as an artifact).
std::vector<std::string> checkpoint_files(const std::string& stage);

/// How an unsuccessful step ends: "retry", or a terminal status.
enum class failure_action { retry, fail, time_out, cancel };

/// Decides what to do after a step that did not succeed.
failure_action on_failure(const stage_result& r, int attempt, int max_attempts);

/// Backoff before attempt `next_attempt` (2, 3, ...): base, 2*base, 4*base...
int64_t retry_delay_ms(int next_attempt, int base_ms);

/// The wait before try `attempt` + 1 of a write that must land (checkpoint,
/// final status) and was refused: 500 ms doubling to 10 s.
int64_t write_retry_delay_ms(int attempt);

/// True when a failed write may succeed later unchanged (the database is away,
/// the persistence actor was slow); false for a real refusal.
bool write_worth_retrying(const caf::error& err);

/// A one-line reason for a failed step, naming the stage.
std::string describe_failure(const std::string& stage, const stage_result& r,
                             const std::vector<std::string>& missing);

/// The category of a failed stage attempt, for kagent_job_failures_total and
/// kagent_sandbox_failures_total; `outputs_missing` when it left a required file out.
metrics::failure_category failure_category_of(const stage_result& r, bool outputs_missing);

/// The required files of `step` that `r` did not bring back.
std::vector<std::string> missing_outputs(const stage_step& step, const stage_result& r);

/// Human label of a stage, e.g. "Training model".
std::string stage_label(const std::string& stage);

/// Overall progress 0..1 from the stage number (1..4) and progress within it.
double overall_progress(const std::string& stage, double within);

} // namespace kagent
