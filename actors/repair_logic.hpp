// The train stage's repair loop as plain functions (docs/ARCHITECTURE.md, the pipeline; issue 10):
// when the LLM wrote solution.py and it fails (or its submission does not
// validate), its trimmed error output goes back to the LLM for a fix, up to
// N rounds, then the template program runs instead. Every step of the loop
// is a checkpoint of its own, so a resumed job redoes nothing finished:
//
//   train-fail-<i>  {train_error_<i>.txt}                 program of round i failed
//   repair-<k>      {solution_<k>.py?, repair_<k>.json}    round k's fix (or none)
//   train           the usual outputs of whichever program succeeded
//
// The next action is always derived from the checkpoints alone.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "actors/job_logic.hpp"
#include "actors/messages.hpp"
#include "config/options.hpp"

namespace kagent {

/// What one run of the train stage does next.
struct train_action {
  enum class kind { program, repair, record_failure };
  kind what = kind::program;
  std::string program = "solution.py"; ///< kind program: the file python runs
  int round = 0;          ///< program: 0 = generated, k = repair round k, -1 = template;
                          ///< repair: the round; record_failure: the failed program's round
  bool repairable = false; ///< a failure of this program feeds the loop (the LLM wrote it)
  std::string note;       ///< for the job's events: why this action
};

/// The next action from the committed checkpoints; `rounds` is the most
/// repair rounds. Without an LLM-written program: solution.py, as ever.
train_action next_train_action(const checkpoints& done, int rounds);

/// The steps of `a`: the program then validate, or one repair stage call.
std::vector<stage_step> train_steps(const train_action& a, const pipeline_options& opts,
                                    int job_budget_s);

/// The checkpoint `a` commits: "train" for a program that succeeded,
/// "repair-<k>", or "train-fail-<i>".
std::string checkpoint_key(const train_action& a);

/// The files of a repair-loop checkpoint key (empty for other keys).
std::vector<std::string> repair_checkpoint_files(const std::string& key);

/// True when the failure of a step of `a` goes to the repair loop: the LLM
/// wrote the program and the step was not cancelled, lost to the launcher,
/// nor refused for an unsafe output (a planted link fails the stage).
bool goes_to_repair(const train_action& a, const stage_result& r);

/// The failure record of `a`'s program: the action to commit and its files.
train_action failure_of(const train_action& a);
stage_outputs failure_files(const train_action& a, const std::string& error_text);

/// The record of a repair step that failed outright (it counts as a round
/// without a program, so the template runs next).
stage_outputs failed_repair_files(const train_action& a, const std::string& why);

/// One line for the event when a repair-loop checkpoint is committed.
std::string committed_message(const std::string& key);

/// The end of a step's output, bounded: the last `max_lines` lines, at most
/// `max_bytes` in all, each line cut at 500 characters.
class output_tail {
public:
  explicit output_tail(size_t max_lines = 80, size_t max_bytes = 8 * 1024)
    : max_lines_(max_lines), max_bytes_(max_bytes) {}
  void add(const std::string& line);
  void clear() { lines_.clear(), bytes_ = 0; }
  std::string text() const;

private:
  size_t max_lines_, max_bytes_, bytes_ = 0;
  std::deque<std::string> lines_;
};

} // namespace kagent
