#include "agent/validate.hpp"
#include "core/text.hpp"

#include <cmath>
#include <cstdlib>

#include "agent/column_inference.hpp"
#include "agent/csv_reader.hpp"
#include "agent/data_files.hpp"
#include "agent/json_io.hpp"

namespace kagent::agent {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (auto& s : v)
    out += (out.empty() ? "" : ",") + s;
  return out;
}

// The problem with one prediction cell, or "".
std::string check_cell(const std::string& cell, const std::string& column,
                       const validation_rules& r) {
  if (r.output == "label") {
    if (!r.labels.empty() && !r.labels.count(cell))
      return "label '" + cell + "' in column '" + column + "' is not one of the labels seen in train";
    return "";
  }
  if (r.output != "probability" && r.output != "value")
    return "";
  if (!is_number(cell))
    return "value '" + cell + "' in column '" + column + "' is not a number";
  double v = std::strtod(cell.c_str(), nullptr);
  if (!std::isfinite(v))
    return "value '" + cell + "' in column '" + column + "' is not finite";
  if (r.output == "probability" && (v < 0 || v > 1))
    return "probability " + cell + " in column '" + column + "' is outside [0, 1]";
  if (r.output == "value" && (r.metric == "rmsle" || r.metric == "mcrmsle") && v < 0)
    return "value " + cell + " in column '" + column + "' is negative (the metric is " + r.metric + ")";
  if (r.output == "value" && r.metric == "rmse_log" && v <= 0)
    return "value " + cell + " in column '" + column + "' is not positive (the metric is rmse_log)";
  return "";
}

} // namespace

std::string check_submission(byte_source& sample_src, byte_source& sub_src,
                             const validation_rules& rules) {
  csv_reader sample(sample_src), sub(sub_src);
  std::vector<std::string> srow, row;
  if (!sample.next(srow))
    return "sample submission is empty or unreadable";
  if (!sub.next(row))
    return sub.error().empty() ? "submission.csv is empty" : "submission.csv: " + sub.error();
  for (auto& c : row)
    c = trim(c);
  if (row != srow)
    return "header must be exactly '" + join(srow) + "' but is '" + join(row) + "'";
  auto header = srow;
  long n = 0;
  bool more_sample = true, more_sub = true;
  for (;;) {
    more_sample = sample.next(srow);
    more_sub = sub.next(row);
    if (!more_sample || !more_sub)
      break;
    ++n;
    auto line = std::to_string(n + 1);
    if (row.size() != header.size())
      return "line " + line + ": " + std::to_string(row.size()) + " fields, expected " +
             std::to_string(header.size());
    for (auto& c : row)
      c = trim(c);
    if (row[0] != trim(srow[0]))
      return "line " + line + ": id '" + row[0] + "' where the sample submission has '" +
             trim(srow[0]) + "' (ids must be in the sample submission's order)";
    bool all_zero = true;
    for (size_t i = 0; i < row.size(); ++i) {
      if (is_missing(row[i]))
        return "line " + line + ": empty or missing value in column '" + header[i] + "'";
      if (i == 0)
        continue;
      auto problem = check_cell(row[i], header[i], rules);
      if (!problem.empty())
        return "line " + line + ": " + problem;
      all_zero = all_zero && std::strtod(row[i].c_str(), nullptr) == 0;
    }
    if (rules.output == "probability" && header.size() > 2 && all_zero)
      return "line " + line + ": every class probability is 0";
  }
  if (!sub.error().empty())
    return "submission.csv: " + sub.error();
  if (more_sample || more_sub) {
    long sample_rows = n + (more_sample ? 1 : 0), sub_rows = n + (more_sub ? 1 : 0);
    while (more_sample && sample.next(srow))
      ++sample_rows;
    while (more_sub && sub.next(row))
      ++sub_rows;
    return "submission has " + std::to_string(sub_rows) + " data rows, expected " +
           std::to_string(sample_rows);
  }
  return "";
}

result<ok_t> run_validate(const std::string& cdir, const std::string& job_dir) {
  validation_rules rules;
  data_file sample_file;
  if (auto prof = read_json_file(job_dir + "/profile.json")) {
    auto& p = *prof;
    if (p.HasMember("submission")) {
      rules.output = get_string(p["submission"], "output");
      for (auto& l : get_strings(p["submission"], "labels"))
        rules.labels.insert(l);
    }
    if (p.HasMember("metric"))
      rules.metric = get_string(p["metric"], "name");
    if (p.HasMember("files") && p["files"].HasMember("sample_submission")) {
      auto& f = p["files"]["sample_submission"];
      sample_file = {get_string(f, "path"), get_string(f, "member"), "csv", -1, get_string(f, "sep", ",")};
    }
  }
  if (sample_file.path.empty()) {
    std::vector<std::string> notes;
    for (auto& f : list_data_files(cdir, notes))
      if (f.format == "csv" && f.base_name().find("submission") != std::string::npos)
        sample_file = f;
  }
  std::string reason;
  if (sample_file.path.empty()) {
    reason = "no sample submission found under " + cdir + "/data";
  } else {
    auto sample = open_data_file(cdir, sample_file);
    auto sub = open_file(job_dir + "/submission.csv");
    if (!sample)
      reason = "sample submission: " + sample.error();
    else if (!sub)
      reason = "submission.csv is missing";
    else
      reason = check_submission(**sample, **sub, rules);
  }
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("valid", reason.empty(), a);
  d.AddMember("reason", json_string(reason.empty() ? "ok" : reason, a), a);
  auto w = write_json_file(job_dir + "/validation.json", d);
  if (!w)
    return w;
  if (!reason.empty())
    return fail(reason);
  emit_progress(1.0, "submission.csv is valid");
  return ok_t{};
}

} // namespace kagent::agent
