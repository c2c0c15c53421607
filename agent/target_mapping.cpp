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

namespace {

// Targets and keys in sample order, the first key as the id, and notes on keys.
target_mapping finish(target_mapping m, const mapping_input& in) {
  std::vector<std::string> keys;
  std::vector<target_column> targets;
  for (auto& h : in.sample_header) {
    if (std::find(m.key_columns.begin(), m.key_columns.end(), h) != m.key_columns.end())
      keys.push_back(h);
    for (auto& t : m.targets)
      if (t.submission_column == h)
        targets.push_back(t);
  }
  m.key_columns = keys;
  m.targets = targets;
  if (!keys.empty()) {
    m.id_column = keys.front();
    m.test_id_column = find_column(in.test_header, m.id_column);
    m.train_id_column = find_column(in.train_header, m.id_column);
  } else {
    m.notes.push_back("the sample submission has no key column: rows are in test's order");
  }
  for (auto& k : keys)
    if (find_column(in.test_header, k).empty())
      m.notes.push_back("key '" + k + "' is not a test column: a composite of test columns, or "
                        "rows matched by position");
  return m;
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

bool id_like_name(const std::string& name) {
  auto n = to_lower(name);
  if (n == "id" || ends_with(n, "_id") || ends_with(n, " id") || n.rfind("id_", 0) == 0)
    return true;
  // CamelCase ...Id: the capital I marks a word boundary ("PassengerId", not "Paid").
  return name.size() > 2 && ends_with(name, "Id") && std::islower(static_cast<unsigned char>(name[name.size() - 3]));
}

result<target_mapping> map_targets(const mapping_input& in) {
  if (in.sample_header.empty())
    return fail("sample submission has no columns");
  target_mapping m;
  auto facts = [&](const std::string& c) {
    auto it = in.sample_facts.find(c);
    return it == in.sample_facts.end() ? sample_column_facts{} : it->second;
  };
  // An identifier's values: unique per row and not quantities (text, or whole numbers).
  auto key_like = [&](const std::string& c) {
    auto f = facts(c);
    return f.unique && (!f.numeric || f.integral);
  };
  enum class role { key, target, unmatched };
  std::vector<role> roles;
  size_t undecided = 0; // columns that are not keys
  for (auto& s : in.sample_header) {
    bool in_test = !find_column(in.test_header, s).empty();
    bool in_train = !find_column(in.train_header, s).empty();
    role r = in_test    ? role::key
             : in_train ? role::target
             : key_like(s) && !facts(s).numeric ? role::key // a composite id
                                                : role::unmatched;
    undecided += r != role::key;
    roles.push_back(r);
  }
  // Unique whole numbers (or text) first or named like an id, in train only
  // (test rows then go by position) or in neither file (row numbers): a key,
  // not something to predict, when another column can be the target.
  for (size_t i = 0; i < roles.size(); ++i) {
    auto& s = in.sample_header[i];
    if (roles[i] != role::key && undecided > 1 && key_like(s) && (i == 0 || id_like_name(s))) {
      if (roles[i] == role::target)
        m.notes.push_back("'" + s + "' is in train only but is an id (unique per row): kept as a key");
      roles[i] = role::key;
      --undecided;
    }
  }
  for (size_t i = 0; i < roles.size(); ++i) {
    auto& s = in.sample_header[i];
    if (roles[i] == role::key) {
      m.key_columns.push_back(s);
    } else if (roles[i] == role::target) {
      auto t = find_column(in.train_header, s);
      m.targets.push_back({s, t, "", {}, "", {}});
      if (t != s)
        m.notes.push_back("target '" + s + "' is train column '" + t + "' (case differs)");
    }
  }
  // Train columns that test lacks and nothing claims yet: where renamed targets come from.
  std::vector<std::string> candidates;
  for (auto& c : in.train_header) {
    bool claimed = !find_column(in.test_header, c).empty();
    for (auto& t : m.targets)
      claimed = claimed || t.train_column == c;
    for (auto& k : m.key_columns)
      claimed = claimed || find_column(in.train_header, k) == c;
    if (!claimed)
      candidates.push_back(c);
  }
  std::vector<std::string> unmatched;
  for (size_t i = 0; i < roles.size(); ++i)
    if (roles[i] == role::unmatched)
      unmatched.push_back(in.sample_header[i]);
  if (unmatched.empty()) {
    if (m.targets.empty())
      return fail("no sample-submission column is a target: every one is in test or a key");
    return finish(std::move(m), in);
  }
  // One probability column per class: the unmatched names are the values of
  // one train-only column.
  if (unmatched.size() >= 2 && m.targets.empty())
    for (auto& c : candidates) {
      auto it = in.train_only_values.find(c);
      if (it == in.train_only_values.end() || !names_are_values(unmatched, it->second))
        continue;
      for (auto& u : unmatched)
        m.targets.push_back({u, c, value_for(u, it->second), {}, "", {}});
      m.per_class = true;
      m.notes.push_back("submission columns are the classes of train column '" + c + "'");
      return finish(std::move(m), in);
    }
  // Renamed targets: pair each unmatched column with the most alike
  // candidate; ties go to the one description.md mentions most, then to file order.
  auto desc = to_lower(in.description);
  for (auto& u : unmatched) {
    if (candidates.empty() && !m.targets.empty()) {
      // Something else is predicted: keep this column as the sample writes it.
      m.key_columns.push_back(u);
      m.notes.push_back("submission column '" + u + "' has no source in train or test: copied "
                        "from the sample submission");
      continue;
    }
    if (candidates.empty())
      return fail("cannot tell which train column the submission column '" + u +
                  "' predicts: every train column is also in test or already used");
    auto best = candidates.begin();
    auto key = [&](const std::string& c) {
      return std::make_pair(likeness(c, u), count_of(desc, "`" + to_lower(c) + "`"));
    };
    for (auto it = candidates.begin(); it != candidates.end(); ++it)
      if (key(*it) > key(*best))
        best = it;
    m.targets.push_back({u, *best, "", {}, "", {}});
    m.notes.push_back("target '" + u + "' is learned from train column '" + *best +
                      "' (the column test lacks)");
    candidates.erase(best);
  }
  if (m.targets.empty())
    return fail("no sample-submission column is a target");
  return finish(std::move(m), in);
}

} // namespace kagent::agent
