// The validate stage: submission.csv checked against the sample submission
// before a job may succeed. Both files are streamed side by side, so any size
// works. The first problem found is the reason, with its line number.
#pragma once

#include <set>
#include <string>

#include "agent/byte_source.hpp"
#include "agent/result.hpp"

namespace kagent::agent {

/// What the prediction columns must hold (from profile.json; defaults check
/// structure only).
struct validation_rules {
  std::string output;           ///< "label", "probability", "value" or "" (unknown)
  std::set<std::string> labels; ///< allowed labels when output is "label"; empty = any
  std::string metric;           ///< rmsle forbids negatives, rmse_log needs positives
};

/// The first problem of `submission` against `sample`, or "" when valid.
std::string check_submission(byte_source& sample, byte_source& submission,
                             const validation_rules& rules);

/// The validate stage: checks `<job_dir>/submission.csv` against the
/// competition's sample submission, writes `<job_dir>/validation.json`, and
/// fails with the reason when the submission is invalid.
result<ok_t> run_validate(const std::string& competition_dir, const std::string& job_dir);

} // namespace kagent::agent
