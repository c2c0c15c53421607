// The validate stage: submission.csv checked against the sample submission
// before a job may succeed. Both files are streamed side by side, so any size
// works. Key columns must equal the sample's cells row by row; predicted
// columns are checked by the output kind. The first problem found is the
// reason, with its line number.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent/byte_source.hpp"
#include "agent/result.hpp"

namespace kagent::agent {

/// What the submission must hold (from profile.json; defaults check
/// structure and the first column as the key only).
struct validation_rules {
  std::string output;           ///< "label", "label_list", "probability", "value" or "" (unknown)
  std::set<std::string> labels; ///< allowed labels (label outputs); empty = any
  std::map<std::string, std::set<std::string>> column_labels; ///< per predicted column, overrides `labels`
  std::string metric;           ///< rmsle forbids negatives, rmse_log needs positives
  bool keys_known = false;      ///< `key_columns` is authoritative (else column 0 is the key)
  std::vector<std::string> key_columns; ///< columns that must equal the sample's cells
  int k = 0;                    ///< label_list: at most k labels per cell (0 = no bound)
  char sample_sep = ',';        ///< the sample submission's delimiter
  char submission_sep = ',';    ///< submission.csv's delimiter
};

/// The first problem of `submission` against `sample`, or "" when valid.
std::string check_submission(byte_source& sample, byte_source& submission,
                             const validation_rules& rules);

/// The validate stage: checks `<job_dir>/submission.csv` against the
/// competition's sample submission, writes `<job_dir>/validation.json`, and
/// fails with the reason when the submission is invalid.
result<ok_t> run_validate(const std::string& competition_dir, const std::string& job_dir);

} // namespace kagent::agent
