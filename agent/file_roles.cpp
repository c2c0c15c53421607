#include "agent/file_roles.hpp"

#include <algorithm>

#include "agent/target_mapping.hpp"

namespace kagent::agent {

namespace {

bool same_file(const data_file& a, const data_file& b) { return a.label() == b.label(); }

bool shares_column(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (auto& c : a)
    if (!find_column(b, c).empty())
      return true;
  return false;
}

} // namespace

int train_by_content(const std::vector<table_info>& tables,
                     const std::vector<std::string>& sample_header, const data_file* test,
                     const std::vector<std::string>& test_header) {
  int best = -1;
  for (size_t i = 0; i < tables.size(); ++i) {
    auto& t = tables[i];
    if (is_submission_name(t.file) || (test && same_file(t.file, *test)))
      continue;
    bool has_target = false;
    for (auto& s : sample_header)
      if (!find_column(t.header, s).empty() && (!test || find_column(test_header, s).empty()))
        has_target = true;
    if (!has_target)
      continue;
    if (best < 0 || t.file.bytes > tables[static_cast<size_t>(best)].file.bytes)
      best = static_cast<int>(i);
  }
  return best;
}

inside_decision test_inside_train(const inside_evidence& e) {
  inside_decision d;
  for (auto& [col, n] : e.blank)
    if (n > 0 && n < e.rows)
      d.targets.push_back(col);
  if (d.targets.empty() || e.sample_rows <= 0) {
    d.why = "no sample-submission column is blank on some rows of the train file";
    return d;
  }
  bool any_key = false;
  for (auto& [col, n] : e.matched) {
    if (std::find(d.targets.begin(), d.targets.end(), col) != d.targets.end())
      continue;
    any_key = true;
    if (static_cast<double>(n) >= 0.99 * static_cast<double>(e.sample_rows) &&
        (d.key.empty() || n > d.test_rows)) {
      d.key = col;
      d.test_rows = n;
    }
  }
  if (!d.key.empty()) {
    d.inside = true;
    d.why = "test rows are the train file's rows whose '" + d.key +
            "' the sample submission names (target '" + d.targets.front() + "' blank)";
    return d;
  }
  auto blank_rows = e.blank.at(d.targets.front());
  if (!any_key && blank_rows == e.sample_rows) {
    d.inside = true;
    d.test_rows = blank_rows;
    d.why = "test rows are the train file's rows whose '" + d.targets.front() +
            "' is blank (as many as the sample submission has)";
    return d;
  }
  d.why = "the sample submission's rows are not rows of the train file";
  return d;
}

std::vector<size_t> auxiliary_tables(const std::vector<table_info>& tables,
                                     const std::vector<const data_file*>& used,
                                     const std::vector<std::string>& train_header,
                                     const std::vector<std::string>& test_header, size_t max) {
  std::vector<size_t> sharing, other;
  for (size_t i = 0; i < tables.size(); ++i) {
    auto& f = tables[i].file;
    if (is_submission_name(f))
      continue;
    bool is_used = false;
    for (auto* u : used)
      is_used = is_used || (u && !u->path.empty() &&
                            (same_file(f, *u) || f.base_name() == u->base_name()));
    if (is_used)
      continue;
    auto& h = tables[i].header;
    (shares_column(h, train_header) || shares_column(h, test_header) ? sharing : other).push_back(i);
  }
  sharing.insert(sharing.end(), other.begin(), other.end());
  if (sharing.size() > max)
    sharing.resize(max);
  return sharing;
}

} // namespace kagent::agent
