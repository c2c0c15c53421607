#include "cli/events.hpp"

#include <rapidjson/document.h>

#include "cli/exit_code.hpp"
#include "core/json_parse.hpp"

namespace kagent::cli {

namespace {

std::string string_of(const rapidjson::Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString())
    return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

// The word before any ':' ("failed: reason" -> "failed").
std::string status_word(const std::string& status) {
  auto w = status.substr(0, status.find(':'));
  while (!w.empty() && w.back() == ' ')
    w.pop_back();
  return w;
}

} // namespace

ws_message parse_ws_message(const std::string& text) {
  ws_message m;
  rapidjson::Document doc;
  if (parse_json(doc, text).HasParseError() || !doc.IsObject())
    return m;
  auto type = string_of(doc, "type");
  if (type == "end") {
    m.type = message_type::end;
    m.status = string_of(doc, "status");
    return m;
  }
  if (type != "event") {
    m.type = type.empty() ? message_type::invalid : message_type::other;
    return m;
  }
  auto seq = doc.FindMember("seq");
  if (seq == doc.MemberEnd() || !seq->value.IsInt64() || seq->value.GetInt64() < 1)
    return m; // an event without a usable seq cannot be deduplicated
  auto& e = m.event;
  e.seq = seq->value.GetInt64();
  e.job_id = string_of(doc, "job_id");
  e.time = string_of(doc, "time");
  e.stage = string_of(doc, "stage");
  e.kind = string_of(doc, "kind");
  e.message = string_of(doc, "message");
  auto p = doc.FindMember("progress");
  if (p != doc.MemberEnd() && p->value.IsNumber())
    e.progress = p->value.GetDouble();
  m.type = message_type::event;
  return m;
}

bool is_terminal_status(const std::string& status) {
  auto w = status_word(status);
  return w == "success" || w == "failed" || w == "timeout" || w == "cancelled";
}

int exit_code_for_status(const std::string& status) {
  return status_word(status) == "success" ? exit_ok : exit_job_failed;
}

} // namespace kagent::cli
