#include "core/competition_url.hpp"

#include "core/error.hpp"

namespace kagent {

bool is_valid_slug(const std::string& s) {
  if (s.empty() || s.size() > 100)
    return false;
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!ok(s[0]))
    return false;
  for (char c : s)
    if (!ok(c) && c != '-')
      return false;
  return true;
}

caf::expected<std::string> parse_competition_url(const std::string& raw) {
  auto fail = [](const std::string& why) {
    return make_error(errc::invalid_input,
                      "kaggle_url must be https://www.kaggle.com/competitions/<name>: " + why);
  };
  if (raw.size() > 500)
    return fail("too long");
  auto url = raw;
  while (!url.empty() && (url.back() == ' ' || url.back() == '\t'))
    url.pop_back();
  auto first = url.find_first_not_of(" \t");
  url = first == std::string::npos ? "" : url.substr(first);
  std::string rest;
  for (auto prefix : {"https://www.kaggle.com/", "http://www.kaggle.com/",
                      "https://kaggle.com/", "http://kaggle.com/", "www.kaggle.com/",
                      "kaggle.com/"}) {
    std::string p{prefix};
    if (url.compare(0, p.size(), p) == 0) {
      rest = url.substr(p.size());
      break;
    }
  }
  if (rest.empty())
    return fail("not a kaggle.com URL");
  for (auto prefix : {"competitions/", "c/"}) {
    std::string p{prefix};
    if (rest.compare(0, p.size(), p) == 0) {
      rest = rest.substr(p.size());
      goto found;
    }
  }
  return fail("not a competition URL");
found:
  auto end = rest.find_first_of("/?#");
  auto slug = rest.substr(0, end);
  if (slug.empty())
    return fail("no competition name");
  if (!is_valid_slug(slug))
    return fail("competition name '" + slug.substr(0, 100)
                + "' may only hold a-z, 0-9 and '-'");
  // Anything after the slug may only be a known sub-page or a query.
  if (end != std::string::npos && rest[end] == '/') {
    auto tail = rest.substr(end + 1);
    if (tail.find("..") != std::string::npos || tail.find('%') != std::string::npos)
      return fail("path characters after the competition name");
  }
  return slug;
}

} // namespace kagent
