// Naming the competition's metric from description.md. The Evaluation section
// is searched first (then the whole page), most specific phrases first, so
// "root mean squared logarithmic error" is never read as plain RMSE.
#pragma once

#include <string>

namespace kagent::agent {

/// A metric as the profile names it.
struct metric_info {
  std::string name;        ///< accuracy, auc, binary_logloss, logloss, rmse, rmsle, rmse_log,
                           ///< mae, f1, macro_f1, qwk, mcrmse, mcrmsle; empty when unknown
  bool higher_is_better = true; ///< the metric's direction
  std::string phrase;      ///< the text that decided it
};

/// The "## Evaluation" section of a markdown page, or empty.
std::string evaluation_section(const std::string& markdown);

/// The section whose heading contains `word` (case-insensitive), or empty.
std::string section(const std::string& markdown, const std::string& word);

/// The metric named in `description`; name is empty when none is recognised.
/// Log loss comes back as "logloss"; resolve_log_loss() picks the binary form.
metric_info detect_metric(const std::string& description);

/// Direction of a known metric name.
bool higher_is_better(const std::string& metric);

/// True for metrics scored on predicted probabilities.
bool is_probability_metric(const std::string& metric);

/// True for metrics scored on predicted labels.
bool is_label_metric(const std::string& metric);

/// True for regression metrics.
bool is_regression_metric(const std::string& metric);

} // namespace kagent::agent
