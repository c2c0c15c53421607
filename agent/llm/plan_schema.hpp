// The part of plan.json an LLM may propose, and its check. The candidate
// objects are the ones the solution template understands (its
// MODEL_CLASSES, FEATURE_SETS, `applicable` and the params its models read);
// cv folds, blend and target transform may be changed too. Everything else
// of the plan (seed, budget, task, metric, features) stays the rule
// planner's. One table drives both the check and the prompt's description.
#pragma once

#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "agent/result.hpp"

namespace kagent::agent::llm {

/// Model names a candidate may use.
const std::vector<std::string>& known_models();

/// Checks one candidate object; the failure names the candidate and the field.
result<ok_t> check_candidate(const rapidjson::Value& c);

/// Checks a proposal: {"candidates": [...], "cv"?, "blend"?,
/// "target_transform"?, "notes"?, "reasoning"?} and nothing else.
result<ok_t> check_proposal(const rapidjson::Value& proposal);

/// `plan` (the rule plan) with the proposal's parts in place; the proposal
/// must have passed check_proposal.
void merge_proposal(rapidjson::Document& plan, const rapidjson::Value& proposal);

/// The schema in words, for the planner's prompt.
std::string schema_description();

} // namespace kagent::agent::llm
