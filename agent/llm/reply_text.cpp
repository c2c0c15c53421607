#include "agent/llm/reply_text.hpp"

#include <vector>

#include "core/text.hpp"

namespace kagent::agent::llm {

namespace {

struct fence {
  std::string label;
  std::string body;
};

// Every ``` ... ``` block with the word after its opening fence.
std::vector<fence> fences(const std::string& text) {
  std::vector<fence> out;
  size_t pos = 0;
  while ((pos = text.find("```", pos)) != std::string::npos) {
    auto eol = text.find('\n', pos);
    if (eol == std::string::npos)
      break;
    auto label = to_lower(trim(text.substr(pos + 3, eol - pos - 3)));
    auto close = text.find("\n```", eol);
    if (close == std::string::npos) {
      // An unclosed fence (a reply cut short) still holds what came.
      out.push_back({label, text.substr(eol + 1)});
      break;
    }
    out.push_back({label, text.substr(eol + 1, close + 1 - (eol + 1))});
    pos = close + 4;
  }
  return out;
}

std::optional<std::string> balanced_object(const std::string& s) {
  auto start = s.find('{');
  if (start == std::string::npos)
    return std::nullopt;
  int depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = start; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return s.substr(start, i - start + 1);
    }
  }
  return std::nullopt;
}

bool reads_like_python(const std::string& s) {
  auto t = trim(s);
  for (const char* start : {"#!", "import ", "from ", "\"\"\"", "# "})
    if (t.rfind(start, 0) == 0)
      return true;
  return false;
}

} // namespace

std::optional<std::string> json_object_in(const std::string& text) {
  for (auto& f : fences(text))
    if (f.label == "json")
      if (auto obj = balanced_object(f.body))
        return obj;
  return balanced_object(text);
}

std::optional<std::string> program_in(const std::string& text) {
  auto all = fences(text);
  const fence* best = nullptr;
  for (auto& f : all)
    if (f.label == "python" || f.label == "py" || f.label == "python3" || f.label.empty())
      if (!best || f.body.size() > best->body.size())
        best = &f;
  if (best && !trim(best->body).empty())
    return best->body;
  if (all.empty() && reads_like_python(text))
    return text;
  return std::nullopt;
}

} // namespace kagent::agent::llm
