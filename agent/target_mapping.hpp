// Mapping the sample submission's columns onto train and test. A column that
// train has and test lacks is a target, wherever it stands; a column test has
// is a key (copied from test, and how rows are matched); a column in neither
// is a key when its values are unique per row and not quantities (a composite
// id such as `1_1_2012-04-13`), else a renamed target (the train-only column
// most alike, `Status` -> `Probability`) or one probability column per class
// (the submission's columns are class values). With no key, rows keep test's
// order.
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
  std::vector<std::string> labels; ///< label outputs: the classes as the submission spells them
};

/// What the submission's columns mean.
struct target_mapping {
  std::string id_column;       ///< the first key column; empty when there is no key
  std::string test_id_column;  ///< the same column as test names it; empty when absent
  std::string train_id_column; ///< the same column in train; empty when absent
  std::vector<std::string> key_columns; ///< sample columns that are not predicted, in sample order
  std::vector<target_column> targets; ///< in submission order
  bool per_class = false;      ///< submission columns are the classes of one target
  std::vector<std::string> notes; ///< how renamed targets were matched
};

/// What the sample submission's values say about one of its columns.
struct sample_column_facts {
  bool unique = false;   ///< no value repeats
  bool numeric = false;  ///< every value is a number
  bool integral = false; ///< numeric and every value a whole number
};

/// The headers and values mapping needs.
struct mapping_input {
  std::vector<std::string> sample_header; ///< keys and predicted columns, any order
  std::vector<std::string> train_header;  ///< train columns
  std::vector<std::string> test_header;   ///< test columns
  /// Distinct values of the train columns missing from test (complete when
  /// the column is not in `overflowed`).
  std::map<std::string, std::set<std::string>> train_only_values;
  std::string description; ///< description.md, may be empty
  std::map<std::string, sample_column_facts> sample_facts; ///< per sample column; absent = unknown
};

/// The column of `header` equal to `name`, else equal ignoring case, else empty.
std::string find_column(const std::vector<std::string>& header, const std::string& name);

/// True for names like `id`, `PassengerId`, `row_id`, `ID_code`.
bool id_like_name(const std::string& name);

/// Maps the submission columns onto train and test; fails when no column is
/// a target or a column is neither a key nor has a source.
result<target_mapping> map_targets(const mapping_input& in);

} // namespace kagent::agent
