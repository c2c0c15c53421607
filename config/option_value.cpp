// Checking option values against their row, and masking credentials.
#include <cctype>
#include <climits>

#include "config/option_table.hpp"

namespace kagent {

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string join(const std::vector<std::string>& xs, const char* sep) {
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : sep) + x;
  return out;
}

bool is_url(const std::string& v) {
  return (v.rfind("http://", 0) == 0 && v.size() > 7)
         || (v.rfind("https://", 0) == 0 && v.size() > 8);
}

bool is_host_port(const std::string& v) {
  auto colon = v.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == v.size())
    return false;
  int64_t port = 0;
  return parse_integer(v.substr(colon + 1), port) && port >= 1 && port <= 65535;
}

// "[a-z]+://user:password@host..." -> "user:****@host..."
std::string mask_userinfo(std::string v) {
  auto scheme = v.find("://");
  if (scheme == std::string::npos)
    return v;
  auto start = scheme + 3;
  auto at = v.find('@', start);
  auto slash = v.find('/', start);
  if (at == std::string::npos || (slash != std::string::npos && slash < at))
    return v;
  auto colon = v.find(':', start);
  if (colon == std::string::npos || colon > at)
    return v;
  return v.replace(colon + 1, at - colon - 1, "****");
}

// password=... in "k=v k=v" strings (quoted values too) and in URL queries.
std::string mask_password_pairs(std::string v) {
  size_t from = 0;
  for (;;) {
    auto lv = lower(v);
    auto at = lv.find("password", from);
    if (at == std::string::npos)
      return v;
    auto eq = at + 8;
    while (eq < v.size() && v[eq] == ' ')
      ++eq;
    if (eq >= v.size() || v[eq] != '=') {
      from = at + 8;
      continue;
    }
    auto start = eq + 1;
    while (start < v.size() && v[start] == ' ')
      ++start;
    auto end = start;
    if (end < v.size() && v[end] == '\'') {
      ++end;
      while (end < v.size() && v[end] != '\'')
        end += v[end] == '\\' ? 2 : 1;
      end = std::min(v.size(), end + 1);
    } else {
      while (end < v.size() && v[end] != ' ' && v[end] != '&')
        ++end;
    }
    v.replace(start, end - start, "****");
    from = start + 4;
  }
}

} // namespace

bool parse_integer(const std::string& text, int64_t& out) {
  if (text.empty())
    return false;
  size_t i = text[0] == '-' || text[0] == '+' ? 1 : 0;
  if (i == text.size())
    return false;
  __int128 v = 0;
  for (; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i])))
      return false;
    v = v * 10 + (text[i] - '0');
    if (v > INT64_MAX)
      return false;
  }
  out = static_cast<int64_t>(text[0] == '-' ? -v : v);
  return true;
}

bool parse_byte_size(const std::string& text, int64_t& out) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
    ++digits;
  if (digits == 0 || !parse_integer(text.substr(0, digits), out))
    return false;
  auto unit = lower(text.substr(digits));
  int shift = 0;
  if (unit.empty() || unit == "b")
    shift = 0;
  else if (unit == "k" || unit == "kib")
    shift = 10;
  else if (unit == "m" || unit == "mib")
    shift = 20;
  else if (unit == "g" || unit == "gib")
    shift = 30;
  else if (unit == "t" || unit == "tib")
    shift = 40;
  else
    return false;
  if (shift > 0 && out > (INT64_MAX >> shift))
    return false;
  out <<= shift;
  return true;
}

std::string allowed_values(const option_spec& s) {
  auto range = std::to_string(s.min) + " to " + std::to_string(s.max);
  auto empty = s.allow_empty ? " (or empty: unset)" : "";
  switch (s.kind) {
  case option_kind::integer:
    return "an integer from " + range;
  case option_kind::bytes:
    return "a byte count from " + range + " (suffix K, M, G or T: binary units)";
  case option_kind::choice:
    return "one of " + join(s.choices, ", ") + empty;
  case option_kind::url:
    return std::string{"an http:// or https:// URL"} + empty;
  case option_kind::host_port:
    return std::string{"HOST:PORT with a port from 1 to 65535"} + empty;
  case option_kind::list:
    return std::string{"items separated by '"} + s.separator + "'";
  case option_kind::path:
    return "a path";
  case option_kind::text:
    break;
  }
  return "text";
}

std::string check_option_value(const option_spec& s, const std::string& v) {
  int64_t n = 0;
  switch (s.kind) {
  case option_kind::integer:
    if (!parse_integer(v, n) || n < s.min || n > s.max)
      return allowed_values(s);
    return {};
  case option_kind::bytes:
    if (!parse_byte_size(v, n) || n < s.min || n > s.max)
      return allowed_values(s);
    return {};
  case option_kind::choice:
    if (v.empty() && s.allow_empty)
      return {};
    for (auto& c : s.choices)
      if (v == c)
        return {};
    return allowed_values(s);
  case option_kind::url:
    return (v.empty() && s.allow_empty) || is_url(v) ? std::string{} : allowed_values(s);
  case option_kind::host_port:
    return (v.empty() && s.allow_empty) || is_host_port(v) ? std::string{} : allowed_values(s);
  case option_kind::path:
  case option_kind::text:
  case option_kind::list:
    break;
  }
  return {};
}

std::string default_text(const option_spec& s) {
  if (!s.default_note.empty())
    return s.default_note;
  auto v = s.load(kagentd_options{});
  return v.empty() ? "(empty)" : v;
}

std::string mask_credentials(const std::string& value) {
  return mask_password_pairs(mask_userinfo(value));
}

} // namespace kagent
