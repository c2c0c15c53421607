// Small string helpers used across the server, the agent and the CLI.
// Header-only so kagent-stage, which links none of kagent_core's CAF and
// spdlog, can use them too.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>

namespace kagent {

/// ASCII lower case.
inline std::string to_lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Without leading and trailing white space (spaces, tabs, CR, LF).
inline std::string trim(const std::string& s) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  auto b = std::find_if_not(s.begin(), s.end(), is_space);
  auto e = std::find_if_not(s.rbegin(), s.rend(), is_space).base();
  return b < e ? std::string(b, e) : std::string{};
}

/// True when `s` ends with `tail`.
inline bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// The value of one hex digit, -1 for anything else.
inline int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace kagent
