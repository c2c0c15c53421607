// What a job's status says about the LLM (issue 10): which planner and
// writer ran (rules / template / llm:<model>), why one fell back, how many
// repair rounds there were, whether the template program ran in the end,
// and the tokens spent, all derived from the committed checkpoints so a
// resumed job reports the same.
#pragma once

#include <cstdint>
#include <string>

#include "core/job.hpp"

namespace kagent {

/// The LLM part of a job's metadata; empty when no LLM was configured.
struct llm_summary {
  std::string planner;       ///< rules | llm:<model>
  std::string planner_note;  ///< why the LLM's plan was not used
  std::string writer;        ///< template | llm:<model>
  std::string writer_note;   ///< why the LLM's program was not used
  int repair_rounds = 0;     ///< repair rounds committed
  std::string fallback;      ///< set when the template program ran after the loop
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  bool used() const { return !planner.empty() || !writer.empty(); }
};

/// The summary of `done`; `repair_rounds` caps the loop (for the fallback note).
llm_summary summarize_llm(const checkpoints& done, int repair_rounds);

} // namespace kagent
