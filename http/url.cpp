#include "http/url.hpp"
#include "core/text.hpp"

namespace kagent::http {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t begin = 0;
  for (;;) {
    auto end = s.find(sep, begin);
    out.push_back(s.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos)
      return out;
    begin = end + 1;
  }
}

} // namespace

std::optional<std::string> percent_decode(const std::string& s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size())
        return std::nullopt;
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0)
        return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

target parse_target(const std::string& raw) {
  target t;
  auto qpos = raw.find('?');
  auto path = raw.substr(0, qpos);
  auto query = qpos == std::string::npos ? std::string{} : raw.substr(qpos + 1);
  // Fragments are never sent by clients; drop one if it is.
  if (auto h = query.find('#'); h != std::string::npos)
    query.erase(h);
  if (path.empty() || path.front() != '/') {
    t.path_ok = false;
    return t;
  }
  for (auto& seg : split(path.substr(1), '/')) {
    auto dec = percent_decode(seg, false);
    if (!dec) {
      t.path_ok = false;
      return t;
    }
    t.segments.push_back(std::move(*dec));
  }
  if (query.empty())
    return t;
  for (auto& pair : split(query, '&')) {
    if (pair.empty())
      continue;
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto val = percent_decode(eq == std::string::npos ? std::string{} : pair.substr(eq + 1),
                              true);
    if (!key || !val) {
      t.query_ok = false;
      return t;
    }
    t.query[*key] = std::move(*val);
  }
  return t;
}

} // namespace kagent::http
