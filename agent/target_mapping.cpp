#include "agent/target_mapping.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace kagent::agent {

namespace {

size_t count_of(const std::string& hay, const std::string& needle) {
  if (needle.empty())
    return 0;
  size_t n = 0, pos = 0;
  while ((pos = hay.find(needle, pos)) != std::string::npos) {
    ++n;
    pos += needle.size();
  }
  return n;
}

// Longest common substring length, case-insensitive: how alike two names are.
size_t likeness(const std::string& a0, const std::string& b0) {
  auto a = to_lower(a0), b = to_lower(b0);
  size_t best = 0;
  std::vector<size_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : 0;
      best = std::max(best, cur[j]);
    }
    std::swap(prev, cur);
  }
  return best;
}

// True when every name in `names` is a value of the column (as text, or
// ignoring case).
bool names_are_values(const std::vector<std::string>& names, const std::set<std::string>& values) {
  std::set<std::string> lowered;
  for (auto& v : values)
    lowered.insert(to_lower(v));
  for (auto& n : names)
    if (!values.count(n) && !lowered.count(to_lower(n)))
      return false;
  return true;
}

// The value of `values` spelled like `name` (exactly, else ignoring case).
std::string value_for(const std::string& name, const std::set<std::string>& values) {
  if (values.count(name))
    return name;
  for (auto& v : values)
    if (to_lower(v) == to_lower(name))
      return v;
  return name;
}

} // namespace

std::string find_column(const std::vector<std::string>& header, const std::string& name) {
  for (auto& h : header)
    if (h == name)
      return h;
  std::string found;
  for (auto& h : header)
    if (to_lower(h) == to_lower(name)) {
      if (!found.empty())
        return ""; // ambiguous
      found = h;
    }
  return found;
}

result<target_mapping> map_targets(const mapping_input& in) {
  if (in.sample_header.size() < 2)
    return fail("sample submission needs an id column and at least one prediction column");
  target_mapping m;
  m.id_column = in.sample_header[0];
  m.test_id_column = find_column(in.test_header, m.id_column);
  m.train_id_column = find_column(in.train_header, m.id_column);
  if (m.test_id_column.empty())
    m.notes.push_back("id column '" + m.id_column +
                      "' is not in test; test rows are matched to the sample submission by position");
  // Train columns that test lacks: where renamed targets come from.
  std::vector<std::string> candidates;
  for (auto& c : in.train_header)
    if (find_column(in.test_header, c).empty() && c != m.train_id_column)
      candidates.push_back(c);
  std::vector<std::string> unmatched;
  for (size_t i = 1; i < in.sample_header.size(); ++i) {
    auto& s = in.sample_header[i];
    auto t = find_column(in.train_header, s);
    if (!t.empty() && find_column(in.test_header, t).empty()) {
      m.targets.push_back({s, t, "", {}, ""});
      if (t != s)
        m.notes.push_back("target '" + s + "' is train column '" + t + "' (case differs)");
      candidates.erase(std::remove(candidates.begin(), candidates.end(), t), candidates.end());
    } else {
      unmatched.push_back(s);
    }
  }
  if (unmatched.empty())
    return m;
  // One probability column per class: the unmatched names are the values of
  // one train-only column.
  for (auto& c : candidates) {
    auto it = in.train_only_values.find(c);
    if (it == in.train_only_values.end() || unmatched.size() < 2 ||
        unmatched.size() + 1 != in.sample_header.size() || !names_are_values(unmatched, it->second))
      continue;
    m.targets.clear();
    for (auto& u : unmatched)
      m.targets.push_back({u, c, value_for(u, it->second), {}, ""});
    m.per_class = true;
    m.notes.push_back("submission columns are the classes of train column '" + c + "'");
    return m;
  }
  // Renamed targets: pair each unmatched column with the most alike
  // candidate; ties go to the one description.md mentions most, then to file order.
  auto desc = to_lower(in.description);
  for (auto& u : unmatched) {
    if (candidates.empty())
      return fail("cannot tell which train column the submission column '" + u +
                  "' predicts: every train column is also in test");
    auto best = candidates.begin();
    auto key = [&](const std::string& c) {
      return std::make_pair(likeness(c, u), count_of(desc, "`" + to_lower(c) + "`"));
    };
    for (auto it = candidates.begin(); it != candidates.end(); ++it)
      if (key(*it) > key(*best))
        best = it;
    m.targets.push_back({u, *best, "", {}, ""});
    m.notes.push_back("target '" + u + "' is learned from train column '" + *best +
                      "' (the column test lacks)");
    candidates.erase(best);
  }
  // Keep submission order.
  std::vector<target_column> ordered;
  for (size_t i = 1; i < in.sample_header.size(); ++i)
    for (auto& t : m.targets)
      if (t.submission_column == in.sample_header[i])
        ordered.push_back(t);
  m.targets = ordered;
  return m;
}

} // namespace kagent::agent
