#include "agent/analyze.hpp"

#include <set>

#include "agent/json_io.hpp"
#include "agent/table_reader.hpp"

namespace kagent::agent {

namespace {

value_counts counts_of(const table_scan& s, const std::string& column) {
  value_counts v;
  auto it = s.distinct.find(column);
  if (it != s.distinct.end())
    v.counts = it->second;
  v.overflowed = s.overflowed.count(column) > 0;
  return v;
}

std::vector<std::string> cells_of(const table_scan& s, const std::string& column) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.header.size(); ++i)
    if (s.header[i] == column) {
      for (auto& row : s.sample)
        out.push_back(i < row.size() ? row[i] : "");
      break;
    }
  return out;
}

std::string base_name(const std::string& dir) {
  auto d = dir;
  while (d.size() > 1 && d.back() == '/')
    d.pop_back();
  return d.substr(d.find_last_of('/') + 1);
}

} // namespace

result<profile> analyze_competition(const std::string& cdir) {
  profile p;
  p.competition = base_name(cdir);
  auto all = list_data_files(cdir, p.notes);
  auto files = pick_files(all);
  if (!files)
    return fail(files.error());
  p.files = *files;
  emit_progress(0.1, "files: train=" + p.files.train.label() + " test=" + p.files.test.label() +
                         " sample=" + p.files.sample_submission.label());
  std::string description;
  if (auto d = read_text_file(cdir + "/description.md")) {
    description = *d;
    p.has_description = true;
  } else {
    p.notes.push_back("no description.md: the metric falls back to a default by task");
  }
  // Sample submission: header, row count, and its values (how labels are spelled).
  auto sample = scan_table(cdir, p.files.sample_submission, [](const std::string&) { return true; });
  if (!sample)
    return fail(sample.error());
  p.header = sample->header;
  p.sample_rows = sample->rows;
  auto test = scan_table(cdir, p.files.test, nullptr);
  if (!test)
    return fail(test.error());
  p.test_rows = test->rows;
  emit_progress(0.3, "test: " + std::to_string(test->rows) + " rows, " +
                         std::to_string(test->header.size()) + " columns");
  // Train: the columns test lacks are target candidates; count their values over all rows.
  auto test_header = test->header;
  auto train = scan_table(cdir, p.files.train, [&](const std::string& c) {
    return find_column(test_header, c).empty();
  });
  if (!train)
    return fail(train.error());
  p.train_rows = train->rows;
  emit_progress(0.6, "train: " + std::to_string(train->rows) + " rows, " +
                         std::to_string(train->header.size()) + " columns");
  if (p.sample_rows != p.test_rows)
    p.notes.push_back("sample submission has " + std::to_string(p.sample_rows) +
                      " rows but test has " + std::to_string(p.test_rows));

  mapping_input mi;
  mi.sample_header = p.header;
  mi.train_header = train->header;
  mi.test_header = test->header;
  mi.description = description;
  for (auto& [col, counts] : train->distinct)
    if (!train->overflowed.count(col))
      for (auto& [v, n] : counts)
        mi.train_only_values[col].insert(v);
  auto mapping = map_targets(mi);
  if (!mapping)
    return fail(mapping.error());
  p.mapping = *mapping;

  task_input ti;
  ti.mapping = p.mapping;
  ti.detected = detect_metric(description);
  ti.description = description;
  for (auto& t : p.mapping.targets)
    ti.train_values[t.train_column] = counts_of(*train, t.train_column);
  for (auto& h : p.header)
    ti.sample_values[h] = counts_of(*sample, h);
  p.task = infer_task(ti);

  // Columns: kinds from the train sample plus the test sample.
  std::set<std::string> targets;
  for (auto& t : p.mapping.targets)
    targets.insert(t.train_column);
  auto add_column = [&](const std::string& name, bool in_train, bool in_test) {
    column_profile c;
    c.name = name;
    c.in_train = in_train;
    c.in_test = in_test;
    auto cells = cells_of(*train, name);
    auto test_name = find_column(test->header, name);
    if (!test_name.empty()) {
      auto more = cells_of(*test, test_name);
      cells.insert(cells.end(), more.begin(), more.end());
    }
    c.stats = infer_column(name, cells);
    if (name == p.mapping.train_id_column || name == p.mapping.test_id_column) {
      c.role = "id";
      c.stats.kind = column_kind::id;
    } else if (targets.count(name)) {
      c.role = "target";
    } else if (in_train && in_test) {
      c.role = "feature";
    } else {
      c.role = in_train ? "train_only" : "test_only";
    }
    p.columns.push_back(c);
  };
  for (auto& h : train->header)
    add_column(h, true, !find_column(test->header, h).empty());
  for (auto& h : test->header)
    if (find_column(train->header, h).empty())
      add_column(h, false, true);
  emit_progress(0.9, "task=" + p.task.task + " metric=" + p.task.metric.name +
                         " output=" + p.task.output + " id=" + p.mapping.id_column);
  return p;
}

result<ok_t> run_analyze(const std::string& competition_dir, const std::string& job_dir) {
  auto p = analyze_competition(competition_dir);
  if (!p)
    return fail(p.error());
  auto doc = to_json(*p);
  auto w = write_json_file(job_dir + "/profile.json", doc);
  if (!w)
    return w;
  emit_progress(1.0, "profile.json written");
  return ok_t{};
}

} // namespace kagent::agent
