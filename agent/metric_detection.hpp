// Naming the competition's metric from description.md. The Evaluation
// section is read sentence by sentence (then the whole page, with less
// confidence): each sentence is matched by tokens and formula shapes
// (metric_rules.hpp), the first sentence that names a metric clearly decides,
// and a later sentence may only refine it ("F1 ... macro-averaged"). The
// result says how sure it is and where it was read, plus the cut-off of
// MAP@k and the weighting of a weighted error.
#pragma once

#include <string>
#include <vector>

namespace kagent::agent {

/// A metric as the profile names it.
struct metric_info {
  std::string name;        ///< canonical name (see is_*_metric); empty when unknown
  bool higher_is_better = true; ///< the metric's direction
  std::string phrase;      ///< the sentence that decided it
  double confidence = 0;   ///< 0..1: named outright ~0.95, composed from words 0.85, formula 0.7
  std::string source;      ///< "evaluation" (its section), "description" (elsewhere), "" (not found)
  int k = 0;               ///< map_at_k: the cut-off, 0 when not stated
  std::vector<std::string> weight_columns; ///< weighted metrics: backticked names where weights are explained
  double weight_value = 0; ///< weighted metrics: the weight of flagged rows, 0 when not stated
};

/// The "## Evaluation" section of a markdown page (else a "metric" one), or empty.
std::string evaluation_section(const std::string& markdown);

/// The section whose heading contains `word` (case-insensitive), or empty.
std::string section(const std::string& markdown, const std::string& word);

/// The sentences of a markdown text: paragraphs split at '.', '!', '?' or ';'
/// before white space; line breaks inside a paragraph are spaces.
std::vector<std::string> sentences_of(const std::string& text);

/// The metric named in `description`; name is empty when none is recognised.
/// Log loss comes back as "logloss"; task inference picks the binary form.
metric_info detect_metric(const std::string& description);

/// Direction of a known metric name.
bool higher_is_better(const std::string& metric);

/// True for metrics scored on predicted probabilities.
bool is_probability_metric(const std::string& metric);

/// True for metrics scored on predicted labels.
bool is_label_metric(const std::string& metric);

/// True for metrics scored on ranked label lists (map_at_k).
bool is_rank_metric(const std::string& metric);

/// True for regression metrics.
bool is_regression_metric(const std::string& metric);

} // namespace kagent::agent
