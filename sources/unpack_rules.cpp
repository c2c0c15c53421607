#include "sources/unpack_rules.hpp"

#include <cctype>

namespace kagent::sources {

namespace {

constexpr size_t max_name_bytes = 4096;
constexpr size_t max_component_bytes = 255;

std::vector<std::string> split(const std::string& name) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= name.size()) {
    auto end = name.find('/', start);
    if (end == std::string::npos)
      end = name.size();
    parts.push_back(name.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

} // namespace

std::string unsafe_entry_reason(const std::string& name) {
  if (name.empty())
    return "has an empty name";
  if (name.size() > max_name_bytes)
    return "has a name longer than 4096 bytes";
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      return "has a control character in its name";
  if (name.find('\\') != std::string::npos)
    return "has a backslash in its name";
  if (name[0] == '/')
    return "is an absolute path";
  auto parts = split(name);
  if (parts[0].size() == 2 && std::isalpha(static_cast<unsigned char>(parts[0][0]))
      && parts[0][1] == ':')
    return "starts with a drive letter";
  bool any = false;
  for (size_t i = 0; i < parts.size(); ++i) {
    auto& p = parts[i];
    if (p == "..")
      return "escapes the directory (..)";
    if (p.size() > max_component_bytes)
      return "has a path component longer than 255 bytes";
    // Empty components: "a//b" is refused; only a trailing '/' (a directory) is fine.
    if (p.empty() && i + 1 != parts.size())
      return "has an empty path component";
    if (!p.empty() && p != ".")
      any = true;
  }
  if (!any)
    return "names the directory itself";
  return {};
}

std::vector<std::string> entry_components(const std::string& name) {
  std::vector<std::string> out;
  for (auto& p : split(name))
    if (!p.empty() && p != ".")
      out.push_back(p);
  return out;
}

std::string over_budget_reason(const unpack_limits& limits, int64_t archive_bytes,
                               int64_t unpacked) {
  if (unpacked > limits.max_unpacked_bytes)
    return "unpacks to more than " + std::to_string(limits.max_unpacked_bytes)
           + " bytes (--max-unpacked-bytes)";
  // Ratio check on the bytes actually written: a zip bomb's headers may lie.
  if (unpacked > limits.ratio_floor_bytes && archive_bytes > 0
      && unpacked / limits.max_ratio > archive_bytes)
    return "unpacks to more than " + std::to_string(limits.max_ratio)
           + " times its own size of " + std::to_string(archive_bytes)
           + " bytes (--max-unpack-ratio): a zip bomb?";
  return {};
}

} // namespace kagent::sources
