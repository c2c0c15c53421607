// Choosing tables by their contents where names do not settle it: the train
// table when no file is named train, test rows that live inside the train
// file (rows whose target is blank, named by the sample submission), and the
// side tables (every other table) offered to the solution as joins. Pure
// functions over headers and counts; analyze.cpp reads the files.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "agent/data_files.hpp"

namespace kagent::agent {

/// The train table when no file is named train: the largest table, not a
/// submission file and not `test`, holding a sample-submission column that
/// test lacks (any sample column when there is no test); -1 when none does.
int train_by_content(const std::vector<table_info>& tables,
                     const std::vector<std::string>& sample_header, const data_file* test,
                     const std::vector<std::string>& test_header);

/// What one pass over a train file says about test rows inside it.
struct inside_evidence {
  int64_t rows = 0;        ///< data rows of the train file
  int64_t sample_rows = 0; ///< data rows of the sample submission
  std::map<std::string, int64_t> blank;   ///< sample column in train -> rows where it is blank
  std::map<std::string, int64_t> matched; ///< sample column in train -> rows whose value the sample has
};

/// Whether test rows are inside the train file, and how they are found.
struct inside_decision {
  bool inside = false;                    ///< test rows are rows of train
  std::vector<std::string> targets;       ///< sample columns blank on the test rows
  std::string key;                        ///< the sample column naming the test rows; empty = by blank target
  int64_t test_rows = 0;                  ///< rows of train that are test rows
  std::string why;                        ///< one sentence for the notes
};

/// Decides test-inside-train: some sample column is blank on some (not all)
/// rows and another sample column's values name >= 99% of the sample's rows
/// (or, without such a column, the blank rows are exactly the sample's rows).
inside_decision test_inside_train(const inside_evidence& e);

/// Indexes into `tables` of the auxiliary tables: every table but `used`
/// ones, submission files and copies of a used file (same name), those
/// sharing a column with train or test first, at most `max`.
std::vector<size_t> auxiliary_tables(const std::vector<table_info>& tables,
                                     const std::vector<const data_file*>& used,
                                     const std::vector<std::string>& train_header,
                                     const std::vector<std::string>& test_header,
                                     size_t max = 10);

} // namespace kagent::agent
