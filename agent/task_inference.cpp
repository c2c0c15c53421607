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

// How the sample submission spells the train label `c`: as a value it
// holds, else whole numbers the way the sample writes them ("1.0" -> "1").
std::string spelling(const std::string& c, const value_counts& sample) {
  for (auto& [s, n] : sample.counts)
    if (s == c)
      return c;
  bool integers = !sample.counts.empty();
  for (auto& [s, n] : sample.counts) {
    if (is_number(s) && is_number(c) && std::strtod(s.c_str(), nullptr) == std::strtod(c.c_str(), nullptr))
      return s;
    if (to_lower(s) == to_lower(c))
      return s;
    integers = integers && is_number(s) && s.find_first_of(".eE") == std::string::npos;
  }
  if (integers && is_number(c)) {
    double v = std::strtod(c.c_str(), nullptr);
    if (v == std::floor(v) && std::fabs(v) < 1e15)
      return std::to_string(static_cast<long long>(v));
  }
  return c;
}

// Every space-separated token of the values, counted.
value_counts all_tokens(const value_counts& v) {
  value_counts out;
  out.overflowed = v.overflowed;
  for (auto& [k, n] : v.counts) {
    size_t pos = 0;
    while (pos < k.size()) {
      auto end = k.find(' ', pos);
      if (end == std::string::npos)
        end = k.size();
      if (end > pos)
        out.counts[k.substr(pos, end - pos)] += n;
      pos = end + 1;
    }
  }
  return out;
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

value_counts first_tokens(const value_counts& v) {
  value_counts out;
  out.overflowed = v.overflowed;
  for (auto& [k, n] : v.counts) {
    auto t = trim(k);
    out.counts[t.substr(0, t.find(' '))] += n;
  }
  return out;
}

task_decision infer_task(const task_input& in) {
  task_decision d;
  d.targets = in.mapping.targets;
  d.metric = in.detected;
  d.metric_source = in.detected.name.empty() ? "default" : in.detected.source;
  if (d.metric_source.empty())
    d.metric_source = "description";
  auto& m = d.metric.name;
  auto use_default = [&](const std::string& name, const std::string& why) {
    m = name;
    d.metric.confidence = 0;
    d.metric.phrase.clear();
    d.metric_source = "default";
    d.notes.push_back(why);
  };
  if (d.targets.empty()) {
    d.task = "unknown";
    if (m.empty())
      use_default("", "no target: metric unknown");
    d.metric.higher_is_better = higher_is_better(m);
    return d;
  }
  auto& first = d.targets.front();
  // A ranked label list's class is its first label.
  std::map<std::string, value_counts> train = in.train_values;
  if (is_rank_metric(m))
    for (auto& [c, v] : train)
      v = first_tokens(v);
  auto values_of = [&](const std::string& c) -> const value_counts& {
    static const value_counts none;
    auto it = train.find(c);
    return it == train.end() ? none : it->second;
  };
  auto sample_of = [&](const std::string& c) -> const value_counts& {
    static const value_counts none;
    auto it = in.sample_values.find(c);
    return it == in.sample_values.end() ? none : it->second;
  };
  auto& target_values = values_of(first.train_column);
  bool classification;
  if (in.mapping.per_class) {
    classification = true;
  } else if (is_probability_metric(m) || is_label_metric(m) || is_rank_metric(m)) {
    // Whole numbers (also written 1.0 / 0.0) are classes under a classification metric.
    classification = !target_values.overflowed || !all_numbers(target_values);
    if (all_numbers(target_values) && !integral_numbers(target_values))
      classification = false;
    if (!classification) {
      auto phrase = d.metric.phrase;
      use_default("", "description.md names '" + m + "' (" + phrase +
                          ") but the target is a continuous number; treating it as regression");
    }
  } else if (is_regression_metric(m)) {
    classification = !all_numbers(target_values);
    if (classification)
      use_default("", "metric '" + m + "' needs numbers but the target is not numeric; classifying");
  } else {
    classification = looks_categorical(target_values);
  }
  if (classification) {
    for (auto& t : d.targets)
      t.classes = sorted_classes(values_of(t.train_column));
    size_t n_classes = first.classes.size();
    if (in.mapping.per_class)
      d.task = "multiclass_classification";
    else if (d.targets.size() > 1)
      d.task = "multi_target_classification";
    else
      d.task = n_classes <= 2 ? "binary_classification" : "multiclass_classification";
    if (m.empty()) {
      bool prob = in.mapping.per_class || looks_like_probabilities(sample_of(first.submission_column));
      use_default(prob ? "logloss" : "accuracy",
                  "metric not recognised in description.md; using " +
                      std::string(prob ? "logloss" : "accuracy") + " for " + d.task);
    }
    if (m == "logloss" && !in.mapping.per_class && d.targets.size() == 1 && n_classes <= 2)
      m = "binary_logloss";
    if (m == "binary_logloss" && (in.mapping.per_class || n_classes > 2))
      m = "logloss";
    if (in.mapping.per_class || is_probability_metric(m))
      d.output = "probability";
    else
      d.output = is_rank_metric(m) ? "label_list" : "label";
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
    if (d.output == "label" || d.output == "label_list")
      for (auto& t : d.targets) {
        auto sample = sample_of(t.submission_column);
        if (d.output == "label_list")
          sample = all_tokens(sample);
        for (auto& c : t.classes) {
          auto sp = spelling(c, sample);
          if (sp != c)
            d.label_spelling[c] = sp;
          t.labels.push_back(sp);
        }
        if (d.output == "label_list") // labels that are never first may still be listed
          for (auto& [tok, n] : all_tokens(in.train_values.count(t.train_column)
                                               ? in.train_values.at(t.train_column)
                                               : value_counts{}).counts) {
            auto sp = spelling(tok, sample);
            if (!is_missing(tok) && std::find(t.labels.begin(), t.labels.end(), sp) == t.labels.end())
              t.labels.push_back(sp);
          }
      }
  } else {
    d.task = d.targets.size() > 1 ? "multi_target_regression" : "regression";
    if (m.empty())
      use_default(d.targets.size() > 1 ? "mcrmse" : "rmse",
                  "metric not recognised in description.md; using " +
                      std::string(d.targets.size() > 1 ? "mcrmse" : "rmse") + " for " + d.task);
    d.output = "value";
  }
  d.metric.higher_is_better = higher_is_better(m);
  return d;
}

} // namespace kagent::agent
