// Deciding the task (classification or regression, how many targets), the
// metric (detected or a default by task, with a note), the output type
// (labels, label lists for MAP@k, probabilities, values), the classes, the
// class a single probability column is about, and how the competition spells
// labels.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent/metric_detection.hpp"
#include "agent/target_mapping.hpp"

namespace kagent::agent {

/// Value counts of a column, complete unless `overflowed`.
struct value_counts {
  std::map<std::string, int64_t> counts; ///< value -> rows
  bool overflowed = false;              ///< too many distinct values to keep
};

/// What the task inference reads.
struct task_input {
  target_mapping mapping;                         ///< from map_targets()
  metric_info detected;                           ///< from detect_metric(); name may be empty
  std::map<std::string, value_counts> train_values;  ///< per train target column
  std::map<std::string, value_counts> sample_values; ///< per submission column
  std::string description;                        ///< description.md
};

/// The decisions, written to the profile.
struct task_decision {
  std::string task;          ///< binary_classification, multiclass_classification,
                             ///< multi_target_classification, regression, multi_target_regression
  metric_info metric;        ///< the metric used for CV and output decisions
  std::string metric_source; ///< "evaluation", "description" or "default"
  std::string output;        ///< label, label_list, probability or value
  std::vector<target_column> targets; ///< the mapping's targets with classes filled in
  std::map<std::string, std::string> label_spelling; ///< train label -> submission spelling
  std::vector<std::string> notes; ///< assumptions worth telling the user
};

/// Sorted class values of a column: numerically when all are numbers.
std::vector<std::string> sorted_classes(const value_counts& v);

/// The class a single probability column is about, from the column name,
/// description.md, conventional names (1, yes, true) and finally the
/// minority class; `why` says which rule decided.
std::string positive_label(const std::string& submission_column, const std::string& train_column,
                           const value_counts& values, const std::string& description,
                           std::string& why);

/// The first space-separated token of each value, counted (a ranked label
/// list's best label).
value_counts first_tokens(const value_counts& v);

/// Decides task, metric, output and classes.
task_decision infer_task(const task_input& in);

} // namespace kagent::agent
