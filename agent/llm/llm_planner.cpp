#include "agent/llm/llm_planner.hpp"

#include <iostream>

#include "agent/json_io.hpp"
#include "agent/llm/plan_schema.hpp"
#include "agent/llm/reply_text.hpp"
#include "core/json_parse.hpp"

namespace kagent::agent::llm {

namespace {

// The profile of a wide table runs to megabytes; a prompt needs its shape.
constexpr size_t max_profile_bytes = 48 * 1024;

constexpr const char* planner_role =
  "You plan the model search of an automated Kaggle solver. A fixed Python program (the "
  "solution template) reads your plan, builds the feature sets, and races the candidates in "
  "your order, each in cross-validation on the competition's metric, under a CPU-time budget; "
  "candidates that do not fit the budget or the data are skipped, the best (or a blend) is "
  "submitted. Choose candidates that suit this data: the first ones are the most likely to "
  "finish.\n\n";

} // namespace

std::string bounded_json(const rapidjson::Value& v, size_t max_bytes) {
  auto text = to_json_line(v);
  if (text.size() <= max_bytes)
    return text;
  return text.substr(0, max_bytes) + " ... [cut: " + std::to_string(text.size()) + " bytes in all]";
}

chat_request plan_prompt(const rapidjson::Value& profile, const rapidjson::Value& rules) {
  rapidjson::Document example(rapidjson::kObjectType);
  auto& a = example.GetAllocator();
  for (const char* key : {"candidates", "cv", "blend", "target_transform"})
    if (rules.HasMember(key))
      example.AddMember(rapidjson::StringRef(key), rapidjson::Value(rules[key], a), a);
  chat_request req;
  req.task = "plan";
  req.max_tokens = 4096;
  req.system = std::string{planner_role} + schema_description();
  req.user = "The competition's profile (profile.json, written by the analysis):\n"
             + bounded_json(profile, max_profile_bytes)
             + "\n\nTask: " + get_string(rules, "task") + "; metric: " + get_string(rules, "metric")
             + "; time budget: " + to_json_line(rules["time_budget_seconds"])
             + " CPU seconds.\n\nThe rule planner's plan for it, a valid example of the format:\n"
             + to_json_line(example)
             + "\n\nPropose your plan for this competition as one JSON object.";
  return req;
}

result<rapidjson::Document> plan_from_reply(const std::string& text,
                                            const rapidjson::Value& rules,
                                            const std::string& planner_name) {
  auto json = json_object_in(text);
  if (!json)
    return fail("the reply holds no JSON object");
  rapidjson::Document proposal;
  parse_json(proposal, *json);
  if (proposal.HasParseError())
    return fail("the reply's JSON does not parse (offset " +
                std::to_string(proposal.GetErrorOffset()) + ")");
  if (auto ok = check_proposal(proposal); !ok)
    return fail("invalid plan: " + ok.error());
  rapidjson::Document plan;
  plan.CopyFrom(rules, plan.GetAllocator());
  merge_proposal(plan, proposal);
  plan["planner"].SetString(planner_name.c_str(),
                            static_cast<rapidjson::SizeType>(planner_name.size()),
                            plan.GetAllocator());
  return result<rapidjson::Document>(std::move(plan));
}

result<rapidjson::Document> llm_planner::make_plan(const rapidjson::Value& profile,
                                                   const plan_options& opts) {
  auto rules = rules_plan(profile, opts);
  auto reply = client_.complete(plan_prompt(profile, rules));
  if (!reply)
    return fail(reply.error());
  if (truncated(*reply))
    return fail("the reply was cut at the token limit");
  return plan_from_reply(reply->text, rules, name());
}

rapidjson::Value usage_json(const llm_client& c, rapidjson::Document::AllocatorType& a) {
  rapidjson::Value u(rapidjson::kObjectType);
  auto& o = c.options();
  u.AddMember("dialect", rapidjson::StringRef(to_string(o.dialect)), a);
  u.AddMember("model", json_string(o.model, a), a);
  u.AddMember("input_tokens", c.usage().input_tokens, a);
  u.AddMember("output_tokens", c.usage().output_tokens, a);
  u.AddMember("requests", c.usage().requests, a);
  rapidjson::Value waits(rapidjson::kArrayType);
  for (double w : c.waits())
    waits.PushBack(w, a);
  u.AddMember("retry_waits_seconds", waits, a);
  return u;
}

void apply_llm_planner(rapidjson::Document& plan, const rapidjson::Value& profile,
                       const plan_options& opts, const llm_options& llm) {
  llm_client client{llm};
  client.on_notice([](const std::string& m) { std::cout << "llm: " << m << std::endl; });
  llm_planner p{client};
  emit_progress(0.3, "asking " + p.name() + " for a plan");
  auto proposed = p.make_plan(profile, opts);
  auto& a = plan.GetAllocator();
  if (proposed) {
    plan.CopyFrom(*proposed, a);
  } else {
    std::cout << "llm plan rejected, the rule plan stands: " << proposed.error() << std::endl;
    plan.AddMember("planner_fallback", json_string(proposed.error().substr(0, 1000), a), a);
  }
  plan.AddMember("llm", usage_json(client, a), a);
}

} // namespace kagent::agent::llm
