// The LLM planner: the plan stage's `planner` backed by a model. It shows the
// model the profile and the rule plan (a valid example), asks for a proposal
// in plan_schema's shape, checks it, and returns the rule plan with the
// proposal merged in. Any failure (no reply, no JSON, a schema violation) is
// the reason the stage falls back to the rule plan.
#pragma once

#include <memory>
#include <string>

#include <rapidjson/document.h>

#include "agent/llm/llm_client.hpp"
#include "agent/plan.hpp"

namespace kagent::agent::llm {

/// The planner's prompt for a profile and its rule plan.
chat_request plan_prompt(const rapidjson::Value& profile, const rapidjson::Value& rules_plan);

/// The merged plan for a reply text, or why it is not acceptable.
result<rapidjson::Document> plan_from_reply(const std::string& text,
                                            const rapidjson::Value& rules_plan,
                                            const std::string& planner_name);

/// A planner that asks `client`'s model.
class llm_planner : public planner {
public:
  explicit llm_planner(llm_client& client) : client_(client) {}
  result<rapidjson::Document> make_plan(const rapidjson::Value& profile,
                                        const plan_options& opts) override;
  std::string name() const override { return llm_name(client_.options()); }

private:
  llm_client& client_;
};

/// The plan stage's LLM step: replaces `plan` (the rule plan) with the
/// model's when it passes, else records "planner_fallback"; either way
/// records the tokens used as "llm". Emits progress lines.
void apply_llm_planner(rapidjson::Document& plan, const rapidjson::Value& profile,
                       const plan_options& opts, const llm_options& llm);

/// A JSON object recording what an LLM stage spent (dialect, model, tokens,
/// requests, waits).
rapidjson::Value usage_json(const llm_client& c, rapidjson::Document::AllocatorType& a);

/// `v` as compact JSON, cut at `max_bytes` with a note (prompts stay bounded).
std::string bounded_json(const rapidjson::Value& v, size_t max_bytes);

} // namespace kagent::agent::llm
