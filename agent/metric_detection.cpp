#include "agent/metric_detection.hpp"
#include "core/text.hpp"

#include <cctype>
#include <utility>
#include <vector>

namespace kagent::agent {

namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Position of `needle` in `hay` as a whole word (phrase), or npos.
size_t find_word(const std::string& hay, const std::string& needle) {
  size_t pos = 0;
  while ((pos = hay.find(needle, pos)) != std::string::npos) {
    bool left = pos == 0 || !word_char(hay[pos - 1]);
    auto end = pos + needle.size();
    bool right = end >= hay.size() || !word_char(hay[end]);
    if (left && right)
      return pos;
    ++pos;
  }
  return std::string::npos;
}

// Most specific first. Each entry: metric, phrases (lowercase, whole words).
const std::vector<std::pair<std::string, std::vector<std::string>>>& table() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> t = {
    {"mcrmsle", {"mean column-wise root mean squared logarithmic error", "mcrmsle",
                 "column-wise rmsle", "columnwise rmsle"}},
    {"mcrmse", {"mean column-wise root mean squared error", "mcrmse", "column-wise rmse",
                "columnwise root mean squared error", "columnwise rmse",
                "mean columnwise root mean squared error"}},
    {"qwk", {"quadratic weighted kappa", "quadratically weighted kappa", "quadratic kappa",
             "weighted kappa", "qwk", "cohen's kappa", "cohen kappa"}},
    {"rmsle", {"root mean squared logarithmic error", "root mean square logarithmic error",
               "root mean squared log error", "root mean square log error", "rmsle"}},
    {"rmse_log", {"logarithm of the predicted value and the logarithm of the observed",
                  "error between the logarithm", "error between the log of",
                  "rmse of the log", "rmse on the log", "rmse of log",
                  "root mean squared error of the log", "root-mean-squared-error (rmse) between the logarithm",
                  "rmse between the log"}},
    {"logloss", {"multi-class logarithmic loss", "multiclass logarithmic loss",
                 "multi-class log loss", "multiclass log loss", "logarithmic loss", "log loss",
                 "log-loss", "logloss", "cross-entropy", "cross entropy", "binary crossentropy"}},
    {"auc", {"area under the roc curve", "area under the receiver operating characteristic",
             "roc auc", "auc-roc", "roc-auc", "auc", "area under the curve"}},
    {"macro_f1", {"macro f1", "macro-f1", "f1 macro", "macro-averaged f1", "macro averaged f1",
                  "mean f1", "macro f1-score", "f1-macro"}},
    {"f1", {"f1 score", "f1-score", "f1"}},
    {"mae", {"mean absolute error", "mae"}},
    {"rmse", {"root mean squared error", "root mean square error", "root-mean-squared-error",
              "rmse", "mean squared error", "mse"}},
    {"accuracy", {"classification accuracy", "categorization accuracy", "accuracy"}},
  };
  return t;
}

metric_info search(const std::string& text) {
  auto l = to_lower(text);
  for (auto& [name, phrases] : table())
    for (auto& p : phrases)
      if (find_word(l, p) != std::string::npos)
        return {name, higher_is_better(name), p};
  return {};
}

} // namespace

std::string section(const std::string& markdown, const std::string& word) {
  size_t pos = 0;
  while (pos < markdown.size()) {
    auto end = markdown.find('\n', pos);
    if (end == std::string::npos)
      end = markdown.size();
    auto line = markdown.substr(pos, end - pos);
    if (line.rfind("#", 0) == 0 && to_lower(line).find(word) != std::string::npos) {
      auto level = line.find_first_not_of('#');
      // The section runs to the next heading of the same or a higher level.
      size_t next = end;
      while (next < markdown.size()) {
        auto nend = markdown.find('\n', next + 1);
        if (nend == std::string::npos)
          nend = markdown.size();
        auto nline = markdown.substr(next + 1, nend - next - 1);
        if (nline.rfind("#", 0) == 0 && nline.find_first_not_of('#') <= level)
          break;
        next = nend;
      }
      return markdown.substr(end, next - end);
    }
    pos = end + 1;
  }
  return "";
}

std::string evaluation_section(const std::string& markdown) {
  auto s = section(markdown, "evaluation");
  return s.empty() ? section(markdown, "metric") : s;
}

metric_info detect_metric(const std::string& description) {
  auto eval = evaluation_section(description);
  if (!eval.empty()) {
    auto m = search(eval);
    if (!m.name.empty())
      return m;
  }
  return search(description);
}

bool higher_is_better(const std::string& m) {
  return m == "accuracy" || m == "auc" || m == "f1" || m == "macro_f1" || m == "qwk";
}

bool is_probability_metric(const std::string& m) {
  return m == "auc" || m == "logloss" || m == "binary_logloss";
}

bool is_label_metric(const std::string& m) {
  return m == "accuracy" || m == "f1" || m == "macro_f1" || m == "qwk";
}

bool is_regression_metric(const std::string& m) {
  return m == "rmse" || m == "rmsle" || m == "rmse_log" || m == "mae" || m == "mcrmse" ||
         m == "mcrmsle";
}

} // namespace kagent::agent
