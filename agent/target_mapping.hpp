// Mapping the sample submission's columns onto train.csv: the id column, and
// for every other submission column the train column it predicts, including
// renamed targets (case differences, `Status` -> `Probability`) and one
// probability column per class (the submission's columns are class values).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent/result.hpp"

namespace kagent::agent {

/// One submission column and what it predicts.
struct target_column {
  std::string submission_column; ///< as in the sample submission
  std::string train_column;      ///< the train column it is learned from
  std::string class_value;       ///< per-class probability columns: the class; else empty
  std::vector<std::string> classes; ///< classification: the train values, sorted
  std::string positive_label;    ///< binary probability: the class it is the probability of
};

/// What the submission's columns mean.
struct target_mapping {
  std::string id_column;       ///< the submission's first column
  std::string test_id_column;  ///< the same column as test names it; empty when absent
  std::string train_id_column; ///< the same column in train; empty when absent
  std::vector<target_column> targets; ///< in submission order
  bool per_class = false;      ///< submission columns are the classes of one target
  std::vector<std::string> notes; ///< how renamed targets were matched
};

/// The headers and values mapping needs.
struct mapping_input {
  std::vector<std::string> sample_header; ///< id first, then the predicted columns
  std::vector<std::string> train_header;  ///< train columns
  std::vector<std::string> test_header;   ///< test columns
  /// Distinct values of the train columns missing from test (complete when
  /// the column is not in `overflowed`).
  std::map<std::string, std::set<std::string>> train_only_values;
  std::string description; ///< description.md, may be empty
};

/// The column of `header` equal to `name`, else equal ignoring case, else empty.
std::string find_column(const std::vector<std::string>& header, const std::string& name);

/// Maps the submission columns onto train; fails when a column has no source.
result<target_mapping> map_targets(const mapping_input& in);

} // namespace kagent::agent
