#include "sources/competition_info.hpp"

#include <algorithm>

#include <rapidjson/document.h>

#include "core/text.hpp"
#include "core/json_parse.hpp"

namespace kagent::sources {

namespace {

constexpr size_t max_title = 500;
constexpr size_t max_description = 20000;

std::string string_of(const rapidjson::Value& obj, const char* key, size_t limit) {
  auto i = obj.FindMember(key);
  if (i == obj.MemberEnd() || !i->value.IsString())
    return {};
  return std::string(i->value.GetString(),
                     std::min<size_t>(i->value.GetStringLength(), limit));
}

// "titanic", "https://www.kaggle.com/competitions/titanic" and the older
// "https://www.kaggle.com/c/titanic" all name the slug "titanic".
bool names_slug(const std::string& ref, const std::string& slug) {
  if (ref == slug)
    return true;
  auto r = ref;
  while (!r.empty() && r.back() == '/')
    r.pop_back();
  for (auto prefix : {"/competitions/", "/c/"})
    if (ends_with(r, prefix + slug))
      return true;
  return false;
}

// One line: Kaggle's fields are plain text, and a newline must not be able
// to start a heading of its own in description.md.
std::string one_paragraph(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
  return trim(s);
}

} // namespace

std::optional<competition_info> find_competition_in_list(const std::string& json,
                                                         const std::string& slug) {
  rapidjson::Document doc;
  parse_json(doc, json);
  if (doc.HasParseError() || !doc.IsArray())
    return std::nullopt;
  for (auto& c : doc.GetArray()) {
    if (!c.IsObject())
      continue;
    auto ref = string_of(c, "ref", 1000);
    auto url = string_of(c, "url", 1000);
    if (!names_slug(ref, slug) && !names_slug(url, slug))
      continue;
    competition_info info;
    info.slug = slug;
    info.title = one_paragraph(string_of(c, "title", max_title));
    info.description = one_paragraph(string_of(c, "description", max_description));
    info.evaluation_metric = one_paragraph(string_of(c, "evaluationMetric", max_title));
    info.url = url;
    return info;
  }
  return std::nullopt;
}

std::string render_description_md(const competition_info& info) {
  auto title = one_paragraph(info.title), summary = one_paragraph(info.description),
       metric = one_paragraph(info.evaluation_metric);
  std::string out = "https://www.kaggle.com/competitions/" + info.slug + "\n\n";
  out += "# " + (title.empty() ? info.slug : title) + "\n\n";
  if (!summary.empty())
    out += "## Overview\n\n" + summary + "\n\n";
  if (!metric.empty())
    out += "## Evaluation\n\nSubmissions are evaluated on " + metric + ".\n";
  out += "\n(Written by kagent from the Kaggle API's competition listing.)\n";
  return out;
}

} // namespace kagent::sources
