#include "actors/job_metadata.hpp"

#include <algorithm>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include "core/json_parse.hpp"

namespace kagent {

namespace {

// Strings from stage outputs are capped: a stage decides their size.
constexpr size_t max_text = 500;

std::string string_of(const rapidjson::Value& obj, const char* key) {
  auto i = obj.FindMember(key);
  if (i == obj.MemberEnd() || !i->value.IsString())
    return "";
  std::string s(i->value.GetString(), std::min<size_t>(i->value.GetStringLength(), max_text));
  return s;
}

double number_of(const rapidjson::Value& obj, const char* key, double fallback) {
  auto i = obj.FindMember(key);
  return i != obj.MemberEnd() && i->value.IsNumber() ? i->value.GetDouble() : fallback;
}

} // namespace

job_metadata parse_metadata(const std::string& json) {
  job_metadata m;
  rapidjson::Document doc;
  if (json.empty() || parse_json(doc, json).HasParseError() || !doc.IsObject())
    return m;
  m.competition = string_of(doc, "competition");
  if (auto s = string_of(doc, "source"); !s.empty())
    m.source = s;
  m.time_budget_s = static_cast<int>(number_of(doc, "time_budget_seconds", 0));
  m.stage = string_of(doc, "stage");
  m.attempt = static_cast<int>(number_of(doc, "attempt", 0));
  m.progress = number_of(doc, "progress", 0);
  m.stage_progress = number_of(doc, "stage_progress", 0);
  m.message = string_of(doc, "message");
  m.metric = string_of(doc, "metric");
  m.chosen_model = string_of(doc, "chosen_model");
  if (doc.HasMember("cv_score") && doc["cv_score"].IsNumber()) {
    m.cv_score = doc["cv_score"].GetDouble();
    m.has_cv_score = true;
  }
  m.self_check = string_of(doc, "self_check");
  m.warning = string_of(doc, "warning");
  m.llm.planner = string_of(doc, "planner");
  m.llm.planner_note = string_of(doc, "planner_fallback");
  m.llm.writer = string_of(doc, "writer");
  m.llm.writer_note = string_of(doc, "writer_fallback");
  m.llm.fallback = string_of(doc, "program_fallback");
  m.llm.repair_rounds = static_cast<int>(number_of(doc, "repair_rounds", 0));
  if (auto t = doc.FindMember("llm_tokens"); t != doc.MemberEnd() && t->value.IsObject()) {
    m.llm.input_tokens = static_cast<int64_t>(number_of(t->value, "input", 0));
    m.llm.output_tokens = static_cast<int64_t>(number_of(t->value, "output", 0));
  }
  m.node = string_of(doc, "node");
  if (auto n = doc.FindMember("nodes"); n != doc.MemberEnd() && n->value.IsObject())
    for (auto& kv : n->value.GetObject())
      if (kv.value.IsString() && m.nodes.size() < 64)
        m.nodes[kv.name.GetString()] = kv.value.GetString();
  return m;
}

std::string render_metadata(const job_metadata& m) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  auto str = [&](const char* key, const std::string& v) {
    w.Key(key);
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  str("competition", m.competition);
  str("source", m.source);
  if (m.time_budget_s > 0) {
    w.Key("time_budget_seconds");
    w.Int(m.time_budget_s);
  }
  if (!m.stage.empty()) {
    str("stage", m.stage);
    w.Key("attempt");
    w.Int(m.attempt);
  }
  w.Key("progress");
  w.Double(m.progress);
  w.Key("stage_progress");
  w.Double(m.stage_progress);
  if (!m.message.empty())
    str("message", m.message);
  if (!m.metric.empty())
    str("metric", m.metric);
  if (!m.chosen_model.empty())
    str("chosen_model", m.chosen_model);
  if (m.has_cv_score) {
    w.Key("cv_score");
    w.Double(m.cv_score);
  }
  if (!m.self_check.empty())
    str("self_check", m.self_check);
  if (!m.warning.empty())
    str("warning", m.warning);
  if (!m.node.empty()) {
    str("node", m.node);
    w.Key("nodes");
    w.StartObject();
    for (auto& [stage, node] : m.nodes)
      str(stage.c_str(), node);
    w.EndObject();
  }
  if (m.llm.used()) {
    // Only jobs of a server with an LLM carry these; without one the
    // metadata is what it always was.
    str("planner", m.llm.planner.empty() ? "rules" : m.llm.planner);
    if (!m.llm.planner_note.empty())
      str("planner_fallback", m.llm.planner_note);
    if (!m.llm.writer.empty())
      str("writer", m.llm.writer);
    if (!m.llm.writer_note.empty())
      str("writer_fallback", m.llm.writer_note);
    w.Key("repair_rounds");
    w.Int(m.llm.repair_rounds);
    if (!m.llm.fallback.empty())
      str("program_fallback", m.llm.fallback);
    w.Key("llm_tokens");
    w.StartObject();
    w.Key("input");
    w.Int64(m.llm.input_tokens);
    w.Key("output");
    w.Int64(m.llm.output_tokens);
    w.EndObject();
  }
  w.EndObject();
  return buf.GetString();
}

void apply_metrics(job_metadata& m, const std::string& metrics_json) {
  rapidjson::Document doc;
  if (parse_json(doc, metrics_json).HasParseError() || !doc.IsObject())
    return;
  m.metric = string_of(doc, "metric");
  m.chosen_model = string_of(doc, "chosen");
  if (doc.HasMember("cv_score") && doc["cv_score"].IsNumber()) {
    m.cv_score = doc["cv_score"].GetDouble();
    m.has_cv_score = true;
  }
  auto check = doc.FindMember("self_check");
  if (check != doc.MemberEnd() && check->value.IsObject()) {
    m.self_check = string_of(check->value, "verdict");
    m.warning = m.self_check == "ok" ? "" : string_of(check->value, "message");
  }
}

} // namespace kagent
