// The analyze stage's result (profile.json): where the data is, what each
// column holds, what to predict and how the submission must look.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "agent/column_inference.hpp"
#include "agent/data_files.hpp"
#include "agent/task_inference.hpp"

namespace kagent::agent {

/// One column of train or test.
struct column_profile {
  std::string name;     ///< as in the file
  column_stats stats;   ///< kind and the numbers behind it
  bool in_train = false; ///< present in train
  bool in_test = false;  ///< present in test
  std::string role;     ///< "feature", "key", "target", "train_only" or "test_only"
};

/// The weights of a weighted metric: rows whose `column` is true weigh `value`.
struct metric_weights {
  std::string column; ///< a test column; empty when the metric is unweighted
  double value = 0;   ///< the weight; 0 when the description does not say
};

/// Everything analyze learned.
struct profile {
  std::string competition;          ///< name of the competition dir
  competition_files files;          ///< train, test, sample submission
  int64_t train_rows = 0;           ///< data rows in train
  int64_t test_rows = 0;            ///< data rows in test
  int64_t sample_rows = 0;          ///< data rows in the sample submission
  std::vector<std::string> header;  ///< the sample submission's header
  target_mapping mapping;           ///< id and target columns
  task_decision task;               ///< task, metric, output, classes
  metric_weights weights;           ///< of a weighted metric (wmae)
  std::vector<column_profile> columns; ///< train columns, then test-only ones
  bool has_description = false;     ///< description.md was found
  std::vector<std::string> notes;   ///< assumptions and fallbacks, for users
  std::string fallback;             ///< why no model can be trained (the solution then
                                    ///< submits the prior / the sample); empty normally
};

/// The profile as the JSON object written to profile.json.
rapidjson::Document to_json(const profile& p);

} // namespace kagent::agent
