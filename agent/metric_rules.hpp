// Reading one sentence of a competition page for a metric: the sentence is
// reduced to lowercase words (markdown, hyphens and brackets dropped, "R^2"
// -> "r2", "@" -> "at") plus a squeezed copy for formulas, and ordered rules
// from the most specific metric to the least look for acronyms, full names,
// the words a name is made of ("root", "mean", "squared", "error", "log"),
// and formula shapes ("log(p + 1)", "median(|y - yhat|)").
#pragma once

#include <string>
#include <vector>

namespace kagent::agent {

/// One sentence, ready for matching.
struct sentence_view {
  std::string original;             ///< as written, trimmed
  std::string words;                ///< " w1 w2 ... " lowercase words, canonical spellings
  std::string squeezed;             ///< lowercase without white space (formulas)
  std::vector<std::string> tokens;  ///< the words in order
  /// True when `phrase` (one or more words) occurs as whole words.
  bool has(const std::string& phrase) const;
  /// Token index of the first whole-word `word`, or -1.
  int index_of(const std::string& word) const;
};

/// The view of `text`.
sentence_view view_of(const std::string& text);

/// How strongly a sentence names a metric.
enum class evidence { none = 0, weak = 1, formula = 2, composed = 3, named = 4 };

/// A metric a sentence names.
struct sentence_metric {
  std::string name;              ///< canonical name, empty when none
  evidence strength = evidence::none; ///< how it was named
};

/// The most specific metric `s` names.
sentence_metric metric_of_sentence(const sentence_view& s);

/// Confidence (0..1) of a piece of evidence found in the Evaluation section.
double confidence_of(evidence e);

} // namespace kagent::agent
