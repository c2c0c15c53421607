#include "cli/format.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "cli/progress_view.hpp"
#include "core/json_parse.hpp"

namespace kagent::cli {

namespace {

std::string str(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject())
    return {};
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd())
    return {};
  if (it->value.IsString())
    return {it->value.GetString(), it->value.GetStringLength()};
  if (it->value.IsInt64())
    return std::to_string(it->value.GetInt64());
  return {};
}

bool num(const rapidjson::Value& obj, const char* key, double& out) {
  if (!obj.IsObject())
    return false;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsNumber())
    return false;
  out = it->value.GetDouble();
  return true;
}

void row(std::string& out, const char* label, const std::string& value) {
  if (value.empty())
    return;
  char head[32];
  std::snprintf(head, sizeof head, "%-12s", label);
  out += head + value + "\n";
}

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

} // namespace

std::string short_time(const std::string& iso) {
  // YYYY-MM-DDTHH:MM:SS...
  if (iso.size() < 19 || iso[10] != 'T')
    return iso;
  return iso.substr(0, 10) + " " + iso.substr(11, 8);
}

std::string format_status(const std::string& status_json) {
  rapidjson::Document doc;
  if (parse_json(doc, status_json).HasParseError() || !doc.IsObject())
    return {};
  static const rapidjson::Value empty{rapidjson::kObjectType};
  auto md_it = doc.FindMember("metadata");
  const rapidjson::Value& md =
      md_it != doc.MemberEnd() && md_it->value.IsObject() ? md_it->value : empty;
  std::string out;
  row(out, "job", str(doc, "job_id"));
  auto comp = str(doc, "competition_name");
  auto url = str(doc, "kaggle_url");
  row(out, "competition", comp.empty() ? url : url.empty() ? comp : comp + "  (" + url + ")");
  row(out, "status", str(doc, "status"));
  row(out, "progress", str(doc, "progress"));
  auto stage = str(md, "stage");
  if (!stage.empty()) {
    auto attempt = str(md, "attempt");
    double sp = 0;
    std::string line = stage;
    if (num(md, "stage_progress", sp) && str(doc, "status") == "running")
      line += " " + std::to_string(static_cast<int>(sp * 100 + 0.5)) + "%";
    if (!attempt.empty())
      line += ", attempt " + attempt;
    row(out, "stage", line);
  }
  row(out, "message", str(md, "message"));
  auto model = str(md, "chosen_model");
  double cv = 0;
  if (num(md, "cv_score", cv)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.5g", cv);
    auto metric = str(md, "metric");
    model += (model.empty() ? "" : "  ") + std::string{"CV "} + (metric.empty() ? "" : metric + " ")
             + buf;
  }
  row(out, "model", model);
  row(out, "created", short_time(str(doc, "created_at")));
  row(out, "started", short_time(str(doc, "started_at")));
  row(out, "completed", short_time(str(doc, "completed_at")));
  row(out, "error", str(doc, "error_message"));
  return out;
}

std::string format_jobs(const std::string& list_json) {
  rapidjson::Document doc;
  if (parse_json(doc, list_json).HasParseError() || !doc.IsObject()
      || !doc.HasMember("jobs") || !doc["jobs"].IsArray())
    return {};
  std::vector<std::vector<std::string>> rows = {
      {"ID", "COMPETITION", "STATUS", "PROGRESS", "CREATED"}};
  for (auto& j : doc["jobs"].GetArray())
    rows.push_back({str(j, "job_id"), str(j, "competition_name"), str(j, "status"),
                    fit_columns(str(j, "progress"), 40), short_time(str(j, "created_at"))});
  if (rows.size() == 1)
    return "no jobs\n";
  std::vector<size_t> widths(5, 0);
  for (auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i)
      widths[i] = std::max(widths[i], r[i].size());
  std::string out;
  for (auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i)
      line += i + 1 < r.size() ? pad(r[i], widths[i] + 2) : r[i];
    out += line + "\n";
  }
  double total = 0;
  if (num(doc, "total", total) && static_cast<size_t>(total) > rows.size() - 1)
    out += "(" + std::to_string(rows.size() - 1) + " of " + std::to_string(static_cast<long>(total))
           + " jobs)\n";
  return out;
}

} // namespace kagent::cli
