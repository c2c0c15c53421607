#include "agent/analyze.hpp"
#include "core/text.hpp"

#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>

#include "agent/analyze_files.hpp"
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

// What the sample's values say about each of its columns.
std::map<std::string, sample_column_facts> facts_of(const table_scan& s) {
  std::map<std::string, sample_column_facts> out;
  for (auto& h : s.header) {
    sample_column_facts f;
    f.unique = s.unique.count(h) > 0 && s.rows > 1;
    f.numeric = f.integral = true;
    size_t present = 0;
    for (auto& c : cells_of(s, h)) {
      if (is_missing(c))
        continue;
      ++present;
      bool num = is_number(c);
      f.numeric = f.numeric && num;
      f.integral = f.integral && num && std::floor(std::strtod(c.c_str(), nullptr)) == std::strtod(c.c_str(), nullptr);
    }
    if (present == 0)
      f.numeric = f.integral = false;
    out[h] = f;
  }
  return out;
}

// Test's header without the sample columns test holds but leaves blank (in
// its first rows) while train fills them: those are targets, not keys.
std::vector<std::string> header_without_blank(const table_scan& test,
                                              const std::vector<std::string>& sample_header,
                                              const std::vector<std::string>& train_header,
                                              std::vector<std::string>& notes) {
  std::vector<std::string> out;
  for (auto& h : test.header) {
    bool blank = test.rows > 0 && !find_column(sample_header, h).empty() &&
                 !find_column(train_header, h).empty();
    for (auto& c : cells_of(test, h))
      blank = blank && is_missing(c);
    if (blank)
      notes.push_back("test column '" + h + "' is blank: treated as absent (a target)");
    else
      out.push_back(h);
  }
  return out;
}

// The test column a weighted metric's weights hang on, and the weight.
metric_weights resolve_weights(const metric_info& m, const std::vector<std::string>& test_header,
                               const std::string& description) {
  metric_weights w;
  if (m.name != "wmae")
    return w;
  for (auto& c : m.weight_columns)
    if (auto t = find_column(test_header, c); !t.empty()) {
      w.column = t;
      break;
    }
  if (w.column.empty()) { // a test column the evaluation section names without backticks
    auto eval = " " + evaluation_section(description) + " ";
    for (auto& h : test_header)
      if (h.size() > 3 && eval.find(h) != std::string::npos && m.weight_value > 0) {
        w.column = h;
        break;
      }
  }
  w.value = m.weight_value;
  return w;
}

// Everything after the sample submission; a failure here makes a fallback profile.
result<ok_t> analyze_tables(const std::string& cdir, const std::vector<data_file>& all,
                            const table_scan& sample, const std::string& description, profile& p) {
  std::vector<table_info> tables;
  bool have_tables = false;
  auto all_tables = [&]() -> std::vector<table_info>& {
    if (!have_tables)
      tables = read_headers(cdir, all, p.files.sample_submission, p.notes);
    have_tables = true;
    return tables;
  };
  std::optional<table_scan> test;
  std::vector<std::string> test_header;
  if (!p.files.test.path.empty()) {
    sniff_separator_of(cdir, p.files.test);
    auto t = scan_table(cdir, p.files.test, nullptr);
    if (!t)
      return fail(t.error());
    test = std::move(*t);
    test_header = test->header;
  }
  if (p.files.train.path.empty())
    if (auto r = choose_train_by_content(all_tables(), p.header, p.files, test_header); !r)
      return r;
  sniff_separator_of(cdir, p.files.train);
  auto train_header = read_header(cdir, p.files.train);
  if (!train_header)
    return fail(train_header.error());
  if (!test) {
    auto inside = find_test_inside(cdir, p.files, p.header, p.sample_rows);
    if (!inside)
      return fail(inside.error());
    if (!inside->inside)
      return fail("no test file, and " + inside->why);
    p.files.test = p.files.train;
    p.files.test_inside_train = true;
    p.test_rows = inside->test_rows;
    p.notes.push_back(inside->why);
    for (auto& h : *train_header)
      if (std::find(inside->targets.begin(), inside->targets.end(), h) == inside->targets.end())
        test_header.push_back(h);
  } else {
    p.test_rows = test->rows;
    test_header = header_without_blank(*test, p.header, *train_header, p.notes);
  }
  emit_progress(0.3, "test: " + std::to_string(p.test_rows) + " rows, " +
                         std::to_string(test_header.size()) + " columns" +
                         (p.files.test_inside_train ? " (inside the train file)" : ""));
  // Train: the columns test lacks are target candidates; count their values over all rows.
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
  mi.test_header = test_header;
  mi.description = description;
  mi.sample_facts = facts_of(sample);
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
    ti.sample_values[h] = counts_of(sample, h);
  p.task = infer_task(ti);
  p.weights = resolve_weights(p.task.metric, test_header, description);

  // Columns: kinds from the train sample plus the test sample.
  std::set<std::string> targets, keys;
  for (auto& t : p.mapping.targets)
    targets.insert(t.train_column);
  for (auto& k : p.mapping.key_columns) {
    keys.insert(find_column(train->header, k));
    keys.insert(find_column(test_header, k));
  }
  auto add_column = [&](const std::string& name, bool in_train, bool in_test) {
    column_profile c;
    c.name = name;
    c.in_train = in_train;
    c.in_test = in_test;
    auto cells = cells_of(*train, name);
    if (test) {
      auto more = cells_of(*test, find_column(test->header, name));
      cells.insert(cells.end(), more.begin(), more.end());
    }
    c.stats = infer_column(name, cells);
    if (keys.count(name)) {
      c.role = "key";
      if (c.stats.kind != column_kind::datetime && c.stats.distinct == cells.size())
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
    add_column(h, true, !find_column(test_header, h).empty());
  for (auto& h : test_header)
    if (find_column(train->header, h).empty())
      add_column(h, false, true);
  p.files.auxiliary = survey_auxiliary(cdir, all_tables(), p.files, train->header, test_header, p.notes);
  return ok_t{};
}

} // namespace

result<profile> analyze_competition(const std::string& cdir) {
  profile p;
  p.competition = base_name(cdir);
  auto all = list_data_files(cdir, p.notes);
  auto files = pick_files(all);
  if (!files)
    return fail(files.error()); // the only hard failure: nothing says what to submit
  p.files = *files;
  sniff_separator_of(cdir, p.files.sample_submission);
  emit_progress(0.1, "files: train=" + p.files.train.label() + " test=" + p.files.test.label() +
                         " sample=" + p.files.sample_submission.label());
  std::string description;
  if (auto d = read_text_file(cdir + "/description.md")) {
    description = *d;
    p.has_description = true;
  } else {
    p.notes.push_back("no description.md: the metric falls back to a default by task");
  }
  // Sample submission: header, row count, its values (how labels are spelled)
  // and which columns never repeat (keys).
  scan_limits sample_limits;
  sample_limits.check_unique = true;
  auto sample = scan_table(cdir, p.files.sample_submission, [](const std::string&) { return true; },
                           sample_limits);
  if (!sample)
    return fail(sample.error());
  p.header = sample->header;
  p.sample_rows = sample->rows;
  if (auto r = analyze_tables(cdir, all, *sample, description, p); !r) {
    // Never end without a plan: the solution submits the prior or the sample.
    p.fallback = r.error();
    p.notes.push_back("fallback: " + r.error());
    p.mapping = {};
    p.mapping.key_columns = p.header;
    p.task = {};
    p.task.task = "unknown";
    p.task.metric = detect_metric(description);
    p.task.metric_source = p.task.metric.name.empty() ? "default" : p.task.metric.source;
    emit_progress(0.9, "fallback: " + r.error());
    return p;
  }
  emit_progress(0.9, "task=" + p.task.task + " metric=" + p.task.metric.name +
                         " output=" + p.task.output + " keys=" + std::to_string(p.mapping.key_columns.size()) +
                         (p.mapping.id_column.empty() ? "" : " id=" + p.mapping.id_column));
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
  emit_progress(1.0, p->fallback.empty() ? "profile.json written"
                                         : "profile.json written (fallback: " + p->fallback + ")");
  return ok_t{};
}

} // namespace kagent::agent
