#include "agent/analyze_files.hpp"

#include <unordered_set>

#include "agent/column_inference.hpp"
#include "agent/target_mapping.hpp"
#include "core/text.hpp"

namespace kagent::agent {

std::vector<table_info> read_headers(const std::string& cdir, const std::vector<data_file>& all,
                                     const data_file& sample, std::vector<std::string>& notes) {
  std::vector<table_info> out;
  for (auto f : all) {
    if (f.label() == sample.label())
      continue;
    sniff_separator_of(cdir, f);
    auto h = read_header(cdir, f);
    if (!h) {
      notes.push_back("skipped unreadable table " + f.label() + ": " + h.error());
      continue;
    }
    out.push_back({f, *h, -1});
  }
  return out;
}

result<ok_t> choose_train_by_content(const std::vector<table_info>& tables,
                                     const std::vector<std::string>& sample_header,
                                     competition_files& files,
                                     const std::vector<std::string>& test_header) {
  const data_file* test = files.test.path.empty() ? nullptr : &files.test;
  int i = train_by_content(tables, sample_header, test, test_header);
  if (i < 0)
    return fail("no training table: no file is named train and no table holds a column of the "
                "sample submission" + std::string(test ? " that test lacks" : ""));
  files.train = tables[static_cast<size_t>(i)].file;
  files.notes.push_back("no file named train: using " + files.train.label() +
                        ", the largest table holding a sample-submission column");
  return ok_t{};
}

result<inside_decision> find_test_inside(const std::string& cdir, const competition_files& files,
                                         const std::vector<std::string>& sample_header,
                                         int64_t sample_rows) {
  auto train_header = read_header(cdir, files.train);
  if (!train_header)
    return fail(train_header.error());
  // The sample's values of every column train also has.
  std::vector<std::string> shared;
  std::vector<int> sample_index, train_index;
  for (size_t i = 0; i < sample_header.size(); ++i) {
    auto t = find_column(*train_header, sample_header[i]);
    if (t.empty())
      continue;
    shared.push_back(sample_header[i]);
    sample_index.push_back(static_cast<int>(i));
    for (size_t j = 0; j < train_header->size(); ++j)
      if ((*train_header)[j] == t)
        train_index.push_back(static_cast<int>(j));
  }
  std::vector<std::unordered_set<std::string>> values(shared.size());
  auto cell = [](const std::vector<std::string>& row, int i) {
    return static_cast<size_t>(i) < row.size() ? trim(row[static_cast<size_t>(i)]) : std::string();
  };
  auto s = visit_table(cdir, files.sample_submission,
                       {{}, [&](const std::vector<std::string>& row) {
                          for (size_t k = 0; k < shared.size(); ++k)
                            values[k].insert(cell(row, sample_index[k]));
                        }});
  if (!s)
    return fail(s.error());
  inside_evidence e;
  e.sample_rows = sample_rows;
  for (auto& c : shared) {
    e.blank[c] = 0;
    e.matched[c] = 0;
  }
  auto t = visit_table(cdir, files.train,
                       {{}, [&](const std::vector<std::string>& row) {
                          for (size_t k = 0; k < shared.size(); ++k) {
                            auto v = cell(row, train_index[k]);
                            if (is_missing(v))
                              ++e.blank[shared[k]];
                            else if (values[k].count(v))
                              ++e.matched[shared[k]];
                          }
                        }});
  if (!t)
    return fail(t.error());
  e.rows = *t;
  return test_inside_train(e);
}

std::vector<table_info> survey_auxiliary(const std::string& cdir, std::vector<table_info> tables,
                                         const competition_files& files,
                                         const std::vector<std::string>& train_header,
                                         const std::vector<std::string>& test_header,
                                         std::vector<std::string>& notes) {
  std::vector<table_info> out;
  auto chosen = auxiliary_tables(tables, {&files.train, &files.test, &files.sample_submission},
                                 train_header, test_header);
  for (auto i : chosen) {
    auto& t = tables[i];
    auto n = visit_table(cdir, t.file, {});
    if (!n) {
      notes.push_back("skipped side table " + t.file.label() + ": " + n.error());
      continue;
    }
    t.rows = *n;
    out.push_back(t);
  }
  return out;
}

} // namespace kagent::agent
