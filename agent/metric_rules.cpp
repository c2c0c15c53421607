#include "agent/metric_rules.hpp"
#include "core/text.hpp"

#include <cctype>
#include <functional>
#include <utility>

namespace kagent::agent {

namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

// Like replace_all, only where `from` starts a word ("R^2", not "error^2").
void replace_words(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos;) {
    if (pos == 0 || !std::isalnum(static_cast<unsigned char>(s[pos - 1]))) {
      s.replace(pos, from.size(), to);
      pos = s.find(from, pos + to.size());
    } else {
      pos = s.find(from, pos + 1);
    }
  }
}

using E = evidence;
using rule = std::function<E(const sentence_view&)>;

// The words the rules share.
struct terms {
  bool root, squared, error, mean, absolute, log, log_error, plus_one, columnwise, auc, f1, sqrt;
  explicit terms(const sentence_view& s) {
    auto any = [&](std::initializer_list<const char*> ws) {
      for (auto w : ws)
        if (s.has(w))
          return true;
      return false;
    };
    auto in_formula = [&](std::initializer_list<const char*> ws) {
      for (auto w : ws)
        if (s.squeezed.find(w) != std::string::npos)
          return true;
      return false;
    };
    root = any({"root"});
    squared = any({"squared", "square"});
    error = any({"error", "errors", "deviation", "difference", "differences"});
    mean = any({"mean", "average", "averaged"});
    absolute = any({"absolute"});
    log = any({"log", "logs", "logarithm", "logarithms", "logarithmic", "logged", "ln"});
    log_error = any({"logarithmic error", "log error", "squared log", "squared logarithmic",
                     "square log", "square logarithmic"});
    plus_one = in_formula({"+1)", "log1p", "log(1+", "ln(1+", "+1]"}) || any({"plus one", "plus 1"});
    columnwise = any({"columnwise", "column wise", "each column", "per column", "each target",
                      "per target", "each predicted column", "across columns", "over columns",
                      "individual columns"});
    auc = any({"auc", "auroc", "aucs", "roc auc"}) ||
          (s.has("area under") && any({"roc", "curve"})) ||
          s.has("receiver operating characteristic");
    f1 = any({"f1", "f1 score", "f score", "fscore", "f measure", "f1score", "f 1 score"});
    sqrt = in_formula({"sqrt(", "\u221a"});
  }
};

// "rmse ... log": the log words come after the error term, close by.
bool log_after_error(const sentence_view& s) {
  int e = -1;
  for (auto w : {"rmse", "rmsd", "root"}) {
    int i = s.index_of(w);
    if (i >= 0 && (e < 0 || i < e))
      e = i;
  }
  if (e < 0)
    return false;
  for (size_t i = static_cast<size_t>(e) + 1; i < s.tokens.size() && i <= static_cast<size_t>(e) + 20; ++i) {
    auto& t = s.tokens[i];
    if (t == "log" || t == "logs" || t == "logarithm" || t == "logarithms" || t == "logged" || t == "ln")
      return true;
  }
  return false;
}

E best(std::initializer_list<E> es) {
  E out = E::none;
  for (auto e : es)
    out = static_cast<int>(e) > static_cast<int>(out) ? e : out;
  return out;
}

E when(bool c, E e) { return c ? e : E::none; }

// Most specific first: a sentence naming RMSLE also holds "root mean squared".
const std::vector<std::pair<const char*, rule>>& rules() {
  static const std::vector<std::pair<const char*, rule>> r = {
    {"mcrmsle", [](auto& s) { terms t(s);
       return best({when(s.has("mcrmsle"), E::named),
                    when(t.columnwise && (s.has("rmsle") || (t.root && t.squared && t.log_error)), E::composed)}); }},
    {"mcrmse", [](auto& s) { terms t(s);
       return best({when(s.has("mcrmse"), E::named),
                    when(t.columnwise && (s.has("rmse") || (t.root && t.squared && t.error)), E::composed)}); }},
    {"mean_columnwise_auc", [](auto& s) { terms t(s);
       return when(t.auc && (t.columnwise || s.has("mean auc") || s.has("average auc") ||
                             s.has("averaged auc")), E::composed); }},
    {"qwk", [](auto& s) {
       return best({when(s.has("qwk"), E::named),
                    when(s.has("kappa") && (s.has("quadratic") || s.has("quadratically") ||
                                            s.has("weighted")), E::named),
                    when(s.has("kappa"), E::composed)}); }},
    {"mcc", [](auto& s) {
       return when(s.has("mcc") || s.has("matthews"), E::named); }},
    {"map_at_k", [](auto& s) {
       return best({when(s.has("mapk") || s.has("map at") || s.has("mean average precision"), E::named),
                    when(s.has("average precision at"), E::composed)}); }},
    {"rmsle", [](auto& s) { terms t(s);
       return best({when(s.has("rmsle"), E::named),
                    when(t.root && t.squared && t.log_error, E::named),
                    when((s.has("rmse") || (t.root && t.squared && t.error)) && t.log && t.plus_one, E::composed),
                    when(t.sqrt && t.log && t.plus_one, E::formula)}); }},
    {"rmse_log", [](auto& s) { terms t(s);
       bool rmse = s.has("rmse") || s.has("rmsd") || (t.root && t.squared && t.error);
       return best({when(rmse && !t.plus_one && log_after_error(s), E::composed),
                    when(t.sqrt && !t.plus_one && s.squeezed.find("log(") != std::string::npos &&
                         s.squeezed.find("^2") != std::string::npos, E::formula)}); }},
    {"medae", [](auto& s) { terms t(s);
       return best({when(s.has("medae"), E::named),
                    when(s.has("median") && t.absolute && t.error, E::named),
                    when(s.squeezed.find("median(|") != std::string::npos, E::formula)}); }},
    {"wmae", [](auto& s) { terms t(s);
       return best({when(s.has("wmae"), E::named),
                    when(s.has("weighted") && t.mean && t.absolute && t.error, E::named)}); }},
    {"smape", [](auto& s) { terms t(s);
       return best({when(s.has("smape"), E::named),
                    when(s.has("symmetric") && (s.has("percentage") || s.has("percent")) && t.error,
                         E::named)}); }},
    {"mape", [](auto& s) { terms t(s);
       return best({when(s.has("mape"), E::named),
                    when(t.mean && t.absolute && (s.has("percentage") || s.has("percent")) && t.error,
                         E::named)}); }},
    {"mae", [](auto& s) { terms t(s);
       return best({when(s.has("mae"), E::named), when(t.mean && t.absolute && t.error, E::named),
                    when(t.absolute && t.error, E::composed)}); }},
    {"rmse", [](auto& s) { terms t(s);
       return best({when(s.has("rmse") || s.has("rmsd"), E::named),
                    when(t.root && t.mean && t.squared && t.error, E::named),
                    when(t.root && t.squared && t.error, E::composed),
                    when(s.has("root mean square"), E::composed),
                    when(t.sqrt && s.squeezed.find("^2") != std::string::npos && !t.log, E::formula)}); }},
    {"mse", [](auto& s) { terms t(s);
       return best({when(s.has("mse"), E::named),
                    when(t.mean && t.squared && t.error && !t.root, E::named)}); }},
    {"r2", [](auto& s) {
       return when(s.has("r2") || s.has("coefficient of determination") || s.has("r squared"),
                   E::named); }},
    {"spearman", [](auto& s) {
       return best({when(s.has("spearman"), E::named), when(s.has("rank correlation"), E::composed)}); }},
    {"pearson", [](auto& s) {
       return best({when(s.has("pearson"), E::named), when(s.has("correlation"), E::weak)}); }},
    {"brier", [](auto& s) { return when(s.has("brier"), E::named); }},
    {"logloss", [](auto& s) {
       return best({when(s.has("logloss") || s.has("log loss") || s.has("logarithmic loss") ||
                         s.has("cross entropy") || s.has("crossentropy"), E::named),
                    when(s.has("log likelihood"), E::composed)}); }},
    {"auc", [](auto& s) { terms t(s);
       return best({when(t.auc, E::named), when(s.has("gini"), E::composed)}); }},
    {"micro_f1", [](auto& s) { terms t(s); return when(t.f1 && s.has("micro"), E::named); }},
    {"macro_f1", [](auto& s) { terms t(s);
       return best({when(t.f1 && s.has("macro"), E::named), when(s.has("mean f1"), E::composed)}); }},
    {"weighted_f1", [](auto& s) { terms t(s); return when(t.f1 && s.has("weighted"), E::named); }},
    {"f1", [](auto& s) { terms t(s);
       return best({when(t.f1, E::named),
                    when(s.has("precision") && s.has("recall") && s.has("harmonic"), E::composed)}); }},
    {"accuracy", [](auto& s) {
       return best({when(s.has("accuracy"), E::named),
                    when(s.has("percentage of correct") || s.has("fraction of correct") ||
                         s.has("proportion of correct") || s.has("correctly classified") ||
                         s.has("error rate"), E::composed)}); }},
  };
  return r;
}

} // namespace

bool sentence_view::has(const std::string& phrase) const {
  return words.find(" " + phrase + " ") != std::string::npos;
}

int sentence_view::index_of(const std::string& word) const {
  for (size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i] == word)
      return static_cast<int>(i);
  return -1;
}

sentence_view view_of(const std::string& text) {
  sentence_view v;
  v.original = trim(text);
  auto l = to_lower(text);
  for (auto from : {"r\xc2\xb2", "r^2", "r^{2}", "r**2"})
    replace_words(l, from, " r2 ");
  replace_all(l, "@", " at ");
  for (char c : l)
    if (!std::isspace(static_cast<unsigned char>(c)))
      v.squeezed += c;
  v.words = " ";
  std::string word;
  auto flush = [&] {
    if (word.empty())
      return;
    v.tokens.push_back(word);
    v.words += word + " ";
    word.clear();
  };
  for (char c : l) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      word += c;
    else
      flush();
  }
  flush();
  return v;
}

sentence_metric metric_of_sentence(const sentence_view& s) {
  for (auto& [name, r] : rules()) {
    auto e = r(s);
    if (e != E::none)
      return {name, e};
  }
  return {};
}

double confidence_of(evidence e) {
  switch (e) {
    case E::named: return 0.95;
    case E::composed: return 0.85;
    case E::formula: return 0.7;
    case E::weak: return 0.6;
    case E::none: return 0;
  }
  return 0;
}

} // namespace kagent::agent
