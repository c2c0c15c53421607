#include "actors/llm_metadata.hpp"

#include <algorithm>

#include <rapidjson/document.h>

#include "actors/repair_logic.hpp"
#include "core/json_parse.hpp"

namespace kagent {

namespace {

// Strings from stage outputs are bounded, as in job_metadata.
constexpr size_t max_text = 500;

bool parse(const checkpoints& done, const std::string& key, const std::string& file,
           rapidjson::Document& d) {
  auto s = done.find(key);
  if (s == done.end())
    return false;
  auto f = s->second.find(file);
  if (f == s->second.end())
    return false;
  return !parse_json(d, f->second).HasParseError() && d.IsObject();
}

std::string text(const rapidjson::Value& v, const char* key) {
  auto i = v.FindMember(key);
  if (i == v.MemberEnd() || !i->value.IsString())
    return {};
  return std::string(i->value.GetString(), std::min<size_t>(i->value.GetStringLength(), max_text));
}

void add_tokens(llm_summary& s, const rapidjson::Value& v) {
  auto u = v.FindMember("llm");
  if (u == v.MemberEnd() || !u->value.IsObject())
    return;
  auto get = [&](const char* k) {
    auto i = u->value.FindMember(k);
    return i != u->value.MemberEnd() && i->value.IsInt64() ? i->value.GetInt64() : 0;
  };
  s.input_tokens += get("input_tokens");
  s.output_tokens += get("output_tokens");
}

} // namespace

llm_summary summarize_llm(const checkpoints& done, int repair_rounds) {
  llm_summary s;
  rapidjson::Document d;
  // Without an LLM plan.json has no "llm" record: the summary stays empty.
  if (parse(done, "plan", "plan.json", d) && d.HasMember("llm")) {
    s.planner = text(d, "planner");
    s.planner_note = text(d, "planner_fallback");
    add_tokens(s, d);
  }
  if (parse(done, "generate", "generation.json", d)) {
    s.writer = text(d, "writer");
    s.writer_note = text(d, "fallback");
    add_tokens(s, d);
  }
  for (auto& [key, files] : done) {
    if (key.rfind("repair-", 0) != 0)
      continue;
    ++s.repair_rounds;
    auto rec = "repair_" + key.substr(7) + ".json";
    if (parse(done, key, rec, d))
      add_tokens(s, d);
  }
  auto next = next_train_action(done, repair_rounds);
  if (next.round == -1)
    s.fallback = next.note.substr(0, max_text);
  return s;
}

} // namespace kagent
