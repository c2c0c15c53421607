#include "agent/metric_detection.hpp"
#include "core/text.hpp"

#include <cctype>
#include <cstdlib>
#include <set>

#include "agent/metric_rules.hpp"

namespace kagent::agent {

namespace {

const double strong = 0.85; // the first sentence this sure decides

// A later sentence may make the decided metric more specific, never change it.
bool refines(const std::string& from, const std::string& to) {
  static const std::set<std::pair<std::string, std::string>> pairs = {
    {"rmse", "rmse_log"}, {"rmse", "rmsle"}, {"rmse", "mcrmse"}, {"rmse", "mcrmsle"},
    {"rmsle", "mcrmsle"}, {"mae", "wmae"}, {"f1", "macro_f1"}, {"f1", "micro_f1"},
    {"f1", "weighted_f1"}, {"auc", "mean_columnwise_auc"}, {"pearson", "spearman"},
  };
  return pairs.count({from, to}) > 0;
}

bool is_count(const std::string& t) {
  return !t.empty() && t.size() <= 3 &&
         t.find_first_not_of("0123456789") == std::string::npos;
}

// MAP@k's k: "map at 3", "precision at 5", else "up to 3" labels.
int find_k(const std::vector<sentence_view>& views) {
  for (auto& v : views)
    for (size_t i = 1; i + 1 < v.tokens.size(); ++i)
      if (v.tokens[i] == "at" && (v.tokens[i - 1] == "map" || v.tokens[i - 1] == "precision") &&
          is_count(v.tokens[i + 1]))
        return std::atoi(v.tokens[i + 1].c_str());
  for (auto& v : views)
    for (size_t i = 0; i + 2 < v.tokens.size(); ++i)
      if (v.tokens[i] == "up" && v.tokens[i + 1] == "to" && is_count(v.tokens[i + 2]))
        return std::atoi(v.tokens[i + 2].c_str());
  return 0;
}

// Backticked names of a sentence, in order.
std::vector<std::string> backticked(const std::string& s) {
  std::vector<std::string> out;
  for (size_t a = s.find('`'); a != std::string::npos;) {
    auto b = s.find('`', a + 1);
    if (b == std::string::npos)
      break;
    auto name = trim(s.substr(a + 1, b - a - 1));
    if (!name.empty() && name.size() <= 64 && name.find(' ') == std::string::npos)
      out.push_back(name);
    a = s.find('`', b + 1);
  }
  return out;
}

// The weight of flagged rows and the columns that flag them, from the
// sentences that explain the weights ("w_i = 5 if `IsHoliday` ...").
void find_weights(const std::vector<sentence_view>& views, metric_info& m) {
  for (auto& v : views) {
    bool about = v.words.find(" weigh") != std::string::npos || v.has("w") || v.has("wmae") ||
                 v.has("times");
    if (!about)
      continue;
    for (auto& n : backticked(v.original))
      m.weight_columns.push_back(n);
    for (size_t i = 0; i < v.tokens.size() && m.weight_value == 0; ++i) {
      auto& t = v.tokens[i];
      if (t == "w" || t.rfind("weigh", 0) == 0) // weight, weights, weighs, weighted
        for (size_t j = i + 1; j < v.tokens.size() && j <= i + 6; ++j) {
          double x = is_count(v.tokens[j]) ? std::atof(v.tokens[j].c_str()) : 0;
          if (x >= 2) {
            m.weight_value = x;
            break;
          }
        }
      if (t == "times" && i > 0 && is_count(v.tokens[i - 1]) && std::atof(v.tokens[i - 1].c_str()) >= 2)
        m.weight_value = std::atof(v.tokens[i - 1].c_str());
    }
  }
}

std::string shorten(const std::string& s) {
  return s.size() <= 200 ? s : s.substr(0, 197) + "...";
}

// The metric of a text read sentence by sentence.
metric_info search(const std::string& text, const std::string& source, double scale) {
  std::vector<sentence_view> views;
  for (auto& s : sentences_of(text))
    views.push_back(view_of(s));
  std::vector<sentence_metric> found;
  int pick = -1;
  for (size_t i = 0; i < views.size(); ++i) {
    found.push_back(metric_of_sentence(views[i]));
    auto c = confidence_of(found.back().strength);
    if (found.back().name.empty())
      continue;
    if (pick < 0 || (confidence_of(found[static_cast<size_t>(pick)].strength) < strong &&
                     c > confidence_of(found[static_cast<size_t>(pick)].strength)))
      pick = static_cast<int>(i);
  }
  if (pick < 0)
    return {};
  auto chosen = found[static_cast<size_t>(pick)];
  size_t at = static_cast<size_t>(pick);
  for (size_t j = at + 1; j < views.size(); ++j)
    if (refines(chosen.name, found[j].name) && confidence_of(found[j].strength) >= strong) {
      chosen = found[j];
      at = j;
    }
  if (chosen.name == "f1")
    for (auto& v : views) {
      if (v.has("macro") || v.has("macro averaged")) {
        chosen.name = "macro_f1";
        break;
      }
      if (v.has("micro")) {
        chosen.name = "micro_f1";
        break;
      }
    }
  metric_info m;
  m.name = chosen.name;
  m.higher_is_better = higher_is_better(m.name);
  m.phrase = shorten(views[at].original);
  m.confidence = confidence_of(chosen.strength) * scale;
  m.source = source;
  if (m.name == "map_at_k")
    m.k = find_k(views);
  if (m.name == "wmae")
    find_weights(views, m);
  return m;
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

std::vector<std::string> sentences_of(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    auto t = trim(cur);
    if (!t.empty())
      out.push_back(t);
    cur.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n') {
      // A blank line (or a heading / code fence) ends the paragraph.
      auto next = text.find('\n', i + 1);
      auto line = trim(text.substr(i + 1, next == std::string::npos ? std::string::npos : next - i - 1));
      if (line.empty() || line[0] == '#' || line.rfind("```", 0) == 0 || line.rfind("- ", 0) == 0 ||
          line.rfind("* ", 0) == 0)
        flush();
      cur += ' ';
      ++i;
      continue;
    }
    cur += c;
    bool end = c == '.' || c == '!' || c == '?' || c == ';';
    if (end && (i + 1 >= text.size() || std::isspace(static_cast<unsigned char>(text[i + 1]))))
      flush();
    ++i;
  }
  flush();
  return out;
}

metric_info detect_metric(const std::string& description) {
  auto eval = evaluation_section(description);
  if (!eval.empty()) {
    auto m = search(eval, "evaluation", 1.0);
    if (!m.name.empty())
      return m;
  }
  return search(description, "description", 0.75);
}

bool higher_is_better(const std::string& m) {
  static const std::set<std::string> up = {"accuracy", "f1",  "micro_f1", "macro_f1", "weighted_f1",
                                           "qwk",      "mcc", "auc",      "mean_columnwise_auc",
                                           "map_at_k", "r2",  "pearson",  "spearman"};
  return up.count(m) > 0;
}

bool is_probability_metric(const std::string& m) {
  return m == "auc" || m == "mean_columnwise_auc" || m == "logloss" || m == "binary_logloss" ||
         m == "brier";
}

bool is_label_metric(const std::string& m) {
  return m == "accuracy" || m == "f1" || m == "micro_f1" || m == "macro_f1" ||
         m == "weighted_f1" || m == "qwk" || m == "mcc";
}

bool is_rank_metric(const std::string& m) { return m == "map_at_k"; }

bool is_regression_metric(const std::string& m) {
  static const std::set<std::string> reg = {"rmse", "mse",  "mae",    "medae",  "wmae",
                                            "r2",   "rmsle", "mcrmsle", "rmse_log", "mcrmse",
                                            "mape", "smape", "pearson", "spearman"};
  return reg.count(m) > 0;
}

} // namespace kagent::agent
