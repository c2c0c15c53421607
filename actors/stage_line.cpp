#include "actors/stage_line.hpp"

#include <algorithm>
#include <cmath>

#include <rapidjson/document.h>

namespace kagent {

stage_line parse_stage_line(const std::string& line) {
  stage_line out;
  out.message = line;
  if (line.empty() || line.front() != '{')
    return out;
  rapidjson::Document doc;
  // Iterative: a line of nested brackets must not exhaust the stack.
  doc.Parse<rapidjson::kParseIterativeFlag>(line.c_str(), line.size());
  if (doc.HasParseError() || !doc.IsObject())
    return out;
  if (auto e = doc.FindMember("error"); e != doc.MemberEnd()) {
    out.is_error = true;
    if (e->value.IsString())
      out.message.assign(e->value.GetString(), e->value.GetStringLength());
    return out;
  }
  auto p = doc.FindMember("progress");
  if (p == doc.MemberEnd() || !p->value.IsNumber())
    return out;
  auto x = p->value.GetDouble();
  out.kind = "progress";
  out.progress = std::isnan(x) ? 0.0 : std::min(1.0, std::max(0.0, x));
  auto m = doc.FindMember("message");
  out.message = m != doc.MemberEnd() && m->value.IsString()
                  ? std::string{m->value.GetString(), m->value.GetStringLength()}
                  : std::string{};
  return out;
}

} // namespace kagent
