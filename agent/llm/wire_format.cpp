#include "agent/llm/wire_format.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include "core/json_parse.hpp"

namespace kagent::agent::llm {

namespace {

using rapidjson::StringRef;
using rapidjson::Value;

Value text_value(const std::string& s, rapidjson::Document::AllocatorType& a) {
  return Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a);
}

Value message(const char* role, const std::string& content,
              rapidjson::Document::AllocatorType& a) {
  Value m(rapidjson::kObjectType);
  m.AddMember("role", StringRef(role), a);
  m.AddMember("content", text_value(content, a), a);
  return m;
}

std::string string_at(const Value& v, const char* key) {
  auto i = v.FindMember(key);
  return i != v.MemberEnd() && i->value.IsString() ? i->value.GetString() : "";
}

int64_t int_at(const Value& v, const char* key) {
  auto i = v.FindMember(key);
  return i != v.MemberEnd() && i->value.IsInt64() ? i->value.GetInt64() : 0;
}

std::string first_line(std::string s) { return s.substr(0, s.find('\n')); }

} // namespace

std::string request_body(llm_dialect d, const std::string& model, const chat_request& req) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  // The task name leads the system prompt: a reader of the exchange (or the
  // test stand-in) sees at once what was asked.
  auto system = "kagent-task: " + req.task + "\n" + req.system;
  doc.AddMember("model", text_value(model, a), a);
  doc.AddMember("max_tokens", req.max_tokens, a);
  doc.AddMember("temperature", 0, a);
  Value messages(rapidjson::kArrayType);
  if (d == llm_dialect::anthropic) {
    doc.AddMember("system", text_value(system, a), a);
  } else {
    messages.PushBack(message("system", system, a), a);
  }
  messages.PushBack(message("user", req.user, a), a);
  doc.AddMember("messages", messages, a);
  if (d == llm_dialect::openai)
    doc.AddMember("stream", false, a);
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  doc.Accept(w);
  return sb.GetString();
}

std::vector<std::string> request_headers(llm_dialect d, const std::string& api_key) {
  std::vector<std::string> h = {"Content-Type: application/json", "Accept: application/json",
                                "User-Agent: kagent-stage/0.1"};
  if (d == llm_dialect::anthropic) {
    h.push_back(std::string{"anthropic-version: "} + anthropic_version);
    if (!api_key.empty())
      h.push_back("x-api-key: " + api_key);
  } else if (!api_key.empty()) {
    h.push_back("Authorization: Bearer " + api_key);
  }
  return h;
}

result<chat_reply> parse_reply(llm_dialect d, const std::string& body) {
  rapidjson::Document doc;
  parse_json(doc, body);
  if (doc.HasParseError() || !doc.IsObject())
    return fail("the reply is not a JSON object");
  chat_reply r;
  r.model = string_at(doc, "model");
  auto usage = doc.FindMember("usage");
  if (d == llm_dialect::anthropic) {
    auto content = doc.FindMember("content");
    if (content == doc.MemberEnd() || !content->value.IsArray())
      return fail("the reply has no content array");
    for (auto& block : content->value.GetArray())
      if (block.IsObject() && string_at(block, "type") == "text")
        r.text += string_at(block, "text");
    r.stop_reason = string_at(doc, "stop_reason");
    if (usage != doc.MemberEnd() && usage->value.IsObject()) {
      r.input_tokens = int_at(usage->value, "input_tokens");
      r.output_tokens = int_at(usage->value, "output_tokens");
    }
  } else {
    auto choices = doc.FindMember("choices");
    if (choices == doc.MemberEnd() || !choices->value.IsArray() || choices->value.Empty()
        || !choices->value[0].IsObject())
      return fail("the reply has no choices");
    auto& choice = choices->value[0];
    auto msg = choice.FindMember("message");
    if (msg == choice.MemberEnd() || !msg->value.IsObject())
      return fail("the reply's first choice has no message");
    r.text = string_at(msg->value, "content");
    r.stop_reason = string_at(choice, "finish_reason");
    if (usage != doc.MemberEnd() && usage->value.IsObject()) {
      r.input_tokens = int_at(usage->value, "prompt_tokens");
      r.output_tokens = int_at(usage->value, "completion_tokens");
    }
  }
  if (r.text.empty())
    return fail("the reply holds no text");
  return r;
}

std::string describe_error(llm_dialect d, long status, const std::string& body) {
  auto head = std::to_string(status);
  rapidjson::Document doc;
  parse_json(doc, body);
  if (!doc.HasParseError() && doc.IsObject()) {
    auto err = doc.FindMember("error");
    // Anthropic: {"type":"error","error":{"type","message"}};
    // OpenAI: {"error":{"message","type","param","code"}}.
    if (err != doc.MemberEnd() && err->value.IsObject()) {
      auto type = string_at(err->value, "type");
      auto code = string_at(err->value, "code");
      if (d == llm_dialect::openai && !code.empty())
        type = type.empty() ? code : type + "/" + code;
      auto msg = first_line(string_at(err->value, "message"));
      return head + (type.empty() ? "" : " " + type) + (msg.empty() ? "" : ": " + msg.substr(0, 300));
    }
  }
  auto start = first_line(body).substr(0, 200);
  return head + (start.empty() ? "" : ": " + start);
}

bool truncated(const chat_reply& r) {
  return r.stop_reason == "max_tokens" || r.stop_reason == "length";
}

} // namespace kagent::agent::llm
