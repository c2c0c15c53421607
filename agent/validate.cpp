#include "agent/validate.hpp"
#include "core/text.hpp"

#include <algorithm>
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

std::string check_label(const std::string& cell, const std::string& column,
                        const std::set<std::string>& labels) {
  if (!labels.empty() && !labels.count(cell))
    return "label '" + cell + "' in column '" + column + "' is not one of the labels seen in train";
  return "";
}

// A ranked list: 1..k known labels separated by single spaces.
std::string check_label_list(const std::string& cell, const std::string& column,
                             const std::set<std::string>& labels, int k) {
  if (cell.find("  ") != std::string::npos || cell.find('\t') != std::string::npos)
    return "labels in column '" + column + "' must be separated by single spaces: '" + cell + "'";
  size_t n = 0, pos = 0;
  while (pos <= cell.size()) {
    auto end = std::min(cell.find(' ', pos), cell.size());
    auto problem = check_label(cell.substr(pos, end - pos), column, labels);
    if (!problem.empty())
      return problem;
    ++n;
    pos = end + 1;
  }
  if (k > 0 && n > static_cast<size_t>(k))
    return std::to_string(n) + " labels in column '" + column + "', at most " + std::to_string(k);
  return "";
}

// The problem with one prediction cell, or "".
std::string check_cell(const std::string& cell, const std::string& column,
                       const validation_rules& r) {
  auto it = r.column_labels.find(column);
  auto& labels = it == r.column_labels.end() ? r.labels : it->second;
  if (r.output == "label")
    return check_label(cell, column, labels);
  if (r.output == "label_list")
    return check_label_list(cell, column, labels, r.k);
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

char sniff_file(const std::string& path) {
  auto src = open_file(path);
  if (!src)
    return ',';
  char buf[65536];
  long n = (*src)->read(buf, sizeof(buf));
  return sniff_separator(n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string());
}

} // namespace

std::string check_submission(byte_source& sample_src, byte_source& sub_src,
                             const validation_rules& rules) {
  csv_reader sample(sample_src, rules.sample_sep), sub(sub_src, rules.submission_sep);
  std::vector<std::string> srow, row;
  if (!sample.next(srow))
    return "sample submission is empty or unreadable";
  if (!sub.next(row))
    return sub.error().empty() ? "submission.csv is empty" : "submission.csv: " + sub.error();
  for (auto& c : row)
    c = trim(c);
  for (auto& c : srow)
    c = trim(c);
  if (row != srow)
    return "header must be exactly '" + join(srow) + "' but is '" + join(row) + "'";
  auto header = srow;
  std::vector<bool> is_key(header.size(), false);
  if (!rules.keys_known && !header.empty())
    is_key[0] = true;
  for (size_t i = 0; i < header.size(); ++i)
    if (std::find(rules.key_columns.begin(), rules.key_columns.end(), header[i]) != rules.key_columns.end())
      is_key[i] = true;
  size_t predicted = static_cast<size_t>(std::count(is_key.begin(), is_key.end(), false));
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
    bool all_zero = true;
    for (size_t i = 0; i < row.size(); ++i) {
      auto cell = trim(row[i]);
      if (is_key[i]) {
        auto want = i < srow.size() ? trim(srow[i]) : std::string();
        if (cell != want)
          return "line " + line + ": '" + header[i] + "' is '" + cell + "' where the sample submission has '" +
                 want + "' (key columns must equal the sample's, in its order)";
        continue;
      }
      if (is_missing(cell))
        return "line " + line + ": empty or missing value in column '" + header[i] + "'";
      auto problem = check_cell(cell, header[i], rules);
      if (!problem.empty())
        return "line " + line + ": " + problem;
      all_zero = all_zero && std::strtod(cell.c_str(), nullptr) == 0;
    }
    if (rules.output == "probability" && predicted > 1 && all_zero)
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
    if (p.HasMember("submission") && p["submission"].IsObject()) {
      auto& s = p["submission"];
      rules.output = get_string(s, "output");
      for (auto& l : get_strings(s, "labels"))
        rules.labels.insert(l);
      if (s.HasMember("key_columns") && s["key_columns"].IsArray()) {
        rules.keys_known = true;
        rules.key_columns = get_strings(s, "key_columns");
      }
    }
    if (p.HasMember("targets") && p["targets"].IsArray())
      for (auto& t : p["targets"].GetArray())
        if (t.IsObject() && t.HasMember("labels")) {
          auto& set = rules.column_labels[get_string(t, "submission_column")];
          for (auto& l : get_strings(t, "labels"))
            set.insert(l);
        }
    if (p.HasMember("metric") && p["metric"].IsObject()) {
      rules.metric = get_string(p["metric"], "name");
      if (p["metric"].HasMember("k") && p["metric"]["k"].IsInt())
        rules.k = p["metric"]["k"].GetInt();
    }
    if (p.HasMember("files") && p["files"].HasMember("sample_submission")) {
      auto& f = p["files"]["sample_submission"];
      sample_file = {get_string(f, "path"), get_string(f, "member"), "csv", -1, get_string(f, "sep", ",")};
    }
  }
  if (sample_file.path.empty()) {
    std::vector<std::string> notes;
    for (auto f : list_data_files(cdir, notes))
      if (f.format == "csv" && is_submission_name(f)) {
        sniff_separator_of(cdir, f);
        sample_file = f;
      }
  }
  std::string reason;
  if (sample_file.path.empty()) {
    reason = "no sample submission found under " + cdir + "/data";
  } else {
    rules.sample_sep = sample_file.sep.empty() ? ',' : sample_file.sep[0];
    rules.submission_sep = sniff_file(job_dir + "/submission.csv");
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
