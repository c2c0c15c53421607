// The plan stage: profile.json in, plan.json out. Rules give the ordered
// candidate race (a robust baseline first; the solution applies each
// candidate's "requires" and resolves the "best" feature set), the CV scheme
// (folds, row cap, seed), the blend and the target transform. A model-backed
// planner (agent/llm/llm_planner) implements `planner`: it gets the same
// inputs and must return the same plan shape; rules are the default and the
// fallback.
#pragma once

#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "agent/llm/llm_options.hpp"
#include "agent/result.hpp"

namespace kagent::agent {

/// Knobs of the plan stage.
struct plan_options {
  double time_budget_seconds = 120; ///< wall-clock budget of the train stage
  int seed = 42;                    ///< every random choice derives from it
  std::optional<llm::llm_options> llm; ///< set: an LLM proposes, rules are the fallback
};

/// Something that turns a profile into a plan.
class planner {
public:
  virtual ~planner() = default;
  /// The plan for `profile`; a failure makes the stage fall back to rules.
  virtual result<rapidjson::Document> make_plan(const rapidjson::Value& profile,
                                                const plan_options& opts) = 0;
  /// Recorded in plan.json as "planner".
  virtual std::string name() const = 0;
};

/// The rule-based plan for `profile` (a parsed profile.json).
rapidjson::Document rules_plan(const rapidjson::Value& profile, const plan_options& opts);

/// The plan stage: reads `<job_dir>/profile.json`, writes `<job_dir>/plan.json`.
result<ok_t> run_plan(const std::string& job_dir, const plan_options& opts);

} // namespace kagent::agent
