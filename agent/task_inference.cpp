#include "agent/task_inference.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "agent/column_inference.hpp"

namespace kagent::agent {

namespace {

bool all_numbers(const value_counts& v) {
  for (auto& [k, n] : v.counts)
    if (!is_missing(k) && !is_number(k))
      return false;
  return true;
}

size_t present_values(const value_counts& v) {
  size_t n = 0;
  for (auto& [k, c] : v.counts)
    n += is_missing(k) ? 0 : 1;
  return n;
}

bool integral_numbers(const value_counts& v) {
  for (auto& [k, n] : v.counts)
    if (!is_missing(k)) {
      double d = std::strtod(k.c_str(), nullptr);
      if (d != std::floor(d))
        return false;
    }
  return true;
}

// Does the column look like classes rather than a quantity?
bool looks_categorical(const value_counts& v) {
  if (v.overflowed)
    return false;
  if (!all_numbers(v))
    return true;
  return integral_numbers(v) && present_values(v) <= 20;
}

// Sample submission values that are probabilities (numbers strictly inside (0,1)).
bool looks_like_probabilities(const value_counts& v) {
  bool any = false;
  for (auto& [k, n] : v.counts) {
    if (is_missing(k))
      continue;
    if (!is_number(k))
      return false;
    double d = std::strtod(k.c_str(), nullptr);
    if (d < 0 || d > 1)
      return false;
    any = any || (d > 0 && d < 1);
  }
  return any;
}

// How the sample submission spells the train label `c`.
std::string spelling(const std::string& c, const value_counts& sample) {
  for (auto& [s, n] : sample.counts)
    if (s == c)
      return c;
  for (auto& [s, n] : sample.counts) {
    if (is_number(s) && is_number(c) && std::strtod(s.c_str(), nullptr) == std::strtod(c.c_str(), nullptr))
      return s;
    if (to_lower(s) == to_lower(c))
      return s;
  }
  return c;
}

} // namespace

std::vector<std::string> sorted_classes(const value_counts& v) {
  std::vector<std::string> out;
  for (auto& [k, n] : v.counts)
    if (!is_missing(k))
      out.push_back(k);
  if (all_numbers(v))
    std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) {
      return std::strtod(a.c_str(), nullptr) < std::strtod(b.c_str(), nullptr);
    });
  return out;
}

std::string positive_label(const std::string& submission_column, const std::string& train_column,
                           const value_counts& values, const std::string& description,
                           std::string& why) {
  auto classes = sorted_classes(values);
  for (auto& c : classes)
    if (to_lower(c) == to_lower(submission_column) && to_lower(c) != to_lower(train_column)) {
      why = "the submission column is named after the class";
      return c;
    }
  // Evaluation and submission sections first: they say what the probability is of.
  auto text = section(description, "evaluation") + "\n" + section(description, "submission");
  if (text.size() < 2)
    text = description;
  auto col = to_lower(train_column);
  auto ltext = to_lower(text);
  for (auto& c : classes) {
    auto lc = to_lower(c);
    for (auto pattern : {"`" + col + "` = `" + lc + "`", col + " = " + lc, "`" + col + "` is `" + lc + "`",
                         "`" + col + "`=`" + lc + "`", col + " == " + lc})
      if (ltext.find(pattern) != std::string::npos) {
        why = "description.md names it (" + pattern + ")";
        return c;
      }
  }
  std::string best;
  size_t best_n = 0, second = 0;
  for (auto& c : classes) {
    size_t n = 0, pos = 0;
    for (auto quoted : {"`" + c + "`", "'" + c + "'", "\"" + c + "\""})
      for (pos = 0; (pos = text.find(quoted, pos)) != std::string::npos; pos += quoted.size())
        ++n;
    if (n > best_n) {
      second = best_n;
      best_n = n;
      best = c;
    } else if (n > second) {
      second = n;
    }
  }
  if (best_n > second) {
    why = "description.md's evaluation and submission sections quote it";
    return best;
  }
  for (auto name : {"1", "1.0", "yes", "true", "y", "t", "positive", "pos"})
    for (auto& c : classes)
      if (to_lower(c) == name) {
        why = "conventional positive class";
        return c;
      }
  // Last resort: the minority class.
  std::string minority = classes.empty() ? "" : classes.back();
  int64_t least = -1;
  for (auto& c : classes) {
    auto n = values.counts.at(c);
    if (least < 0 || n < least) {
      least = n;
      minority = c;
    }
  }
  why = "minority class (nothing named the positive class)";
  return minority;
}

task_decision infer_task(const task_input& in) {
  task_decision d;
  d.targets = in.mapping.targets;
  d.metric = in.detected;
  d.metric_source = in.detected.name.empty() ? "default" : "description";
  auto& first = d.targets.front();
  auto values_of = [&](const std::string& c) -> const value_counts& {
    static const value_counts none;
    auto it = in.train_values.find(c);
    return it == in.train_values.end() ? none : it->second;
  };
  auto sample_of = [&](const std::string& c) -> const value_counts& {
    static const value_counts none;
    auto it = in.sample_values.find(c);
    return it == in.sample_values.end() ? none : it->second;
  };
  bool classification;
  auto& m = d.metric.name;
  if (in.mapping.per_class) {
    classification = true;
  } else if (is_probability_metric(m) || is_label_metric(m)) {
    classification = true;
    if (!looks_categorical(values_of(first.train_column)) && all_numbers(values_of(first.train_column))) {
      d.notes.push_back("description.md mentions '" + d.metric.phrase +
                        "' but the target is a continuous number; treating it as regression");
      classification = false;
      m.clear();
    }
  } else if (is_regression_metric(m)) {
    classification = !all_numbers(values_of(first.train_column));
    if (classification) {
      d.notes.push_back("metric '" + m + "' needs numbers but the target is not numeric; classifying");
      m.clear();
    }
  } else {
    classification = looks_categorical(values_of(first.train_column));
  }
  if (classification) {
    for (auto& t : d.targets) {
      auto& v = values_of(t.train_column);
      t.classes = sorted_classes(v);
    }
    size_t n_classes = first.classes.size();
    if (in.mapping.per_class)
      d.task = "multiclass_classification";
    else if (d.targets.size() > 1)
      d.task = "multi_target_classification";
    else
      d.task = n_classes <= 2 ? "binary_classification" : "multiclass_classification";
    if (m.empty()) {
      bool prob = in.mapping.per_class || looks_like_probabilities(sample_of(first.submission_column));
      m = prob ? "logloss" : "accuracy";
      d.notes.push_back("metric not recognised in description.md; using " + m + " for " + d.task);
      d.metric_source = "default";
    }
    if (m == "logloss" && !in.mapping.per_class && d.targets.size() == 1 && n_classes <= 2)
      m = "binary_logloss";
    if (m == "binary_logloss" && (in.mapping.per_class || n_classes > 2))
      m = "logloss";
    d.output = (in.mapping.per_class || is_probability_metric(m)) ? "probability" : "label";
    if (d.output == "probability" && !in.mapping.per_class)
      for (auto& t : d.targets) {
        if (t.classes.size() > 2) {
          d.notes.push_back("probability of a single column for a " + std::to_string(t.classes.size()) +
                            "-class target: using the last class");
        }
        std::string why;
        t.positive_label = positive_label(t.submission_column, t.train_column,
                                          values_of(t.train_column), in.description, why);
        d.notes.push_back("'" + t.submission_column + "' is the probability of " + t.train_column +
                          " = '" + t.positive_label + "': " + why);
      }
    if (d.output == "label")
      for (auto& t : d.targets)
        for (auto& c : t.classes) {
          auto s = spelling(c, sample_of(t.submission_column));
          if (s != c)
            d.label_spelling[c] = s;
        }
  } else {
    d.task = d.targets.size() > 1 ? "multi_target_regression" : "regression";
    if (m.empty()) {
      m = d.targets.size() > 1 ? "mcrmse" : "rmse";
      d.notes.push_back("metric not recognised in description.md; using " + m + " for " + d.task);
      d.metric_source = "default";
    }
    d.output = "value";
  }
  d.metric.higher_is_better = higher_is_better(m);
  return d;
}

} // namespace kagent::agent
