#include "agent/column_inference.hpp"
#include "core/text.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>

namespace kagent::agent {

namespace {

bool digits(const std::string& s, size_t pos, size_t n) {
  if (pos + n > s.size())
    return false;
  for (size_t i = pos; i < pos + n; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      return false;
  return true;
}

size_t words(const std::string& s) {
  size_t n = 0;
  bool in = false;
  for (unsigned char c : s) {
    bool sp = std::isspace(c);
    if (!sp && !in)
      ++n;
    in = !sp;
  }
  return n;
}

} // namespace

const char* to_string(column_kind k) {
  switch (k) {
    case column_kind::numeric: return "numeric";
    case column_kind::categorical: return "categorical";
    case column_kind::datetime: return "datetime";
    case column_kind::text: return "text";
    case column_kind::list: return "list";
    case column_kind::id: return "id";
  }
  return "categorical";
}

bool is_missing(const std::string& cell) {
  static const std::set<std::string> na = {"",     "NA",   "N/A",  "n/a", "NaN", "nan",
                                           "-nan", "-NaN", "null", "NULL", "<NA>", "#N/A",
                                           "#NA",  "None"};
  return na.count(trim(cell)) > 0;
}

bool is_number(const std::string& cell) {
  auto s = trim(cell);
  if (s.empty())
    return false;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v))
    return false;
  // strtod takes hex and "inf"; pandas' float parser does not.
  for (char c : s)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' ||
          c == 'e' || c == 'E'))
      return false;
  return true;
}

bool is_datetime(const std::string& cell) {
  auto s = trim(cell);
  bool iso = digits(s, 0, 4) && (s.size() > 4 && (s[4] == '-' || s[4] == '/')) &&
             digits(s, 5, 2) && s.size() >= 10 && s[7] == s[4] && digits(s, 8, 2);
  bool us = s.size() >= 10 && digits(s, 0, 2) && s[2] == '/' && digits(s, 3, 2) && s[5] == '/' &&
            digits(s, 6, 4);
  if (!iso && !us)
    return false;
  if (s.size() == 10)
    return true;
  // A time part: "T" or space, then HH:MM.
  return (s[10] == 'T' || s[10] == ' ') && digits(s, 11, 2) && s.size() >= 16 && s[13] == ':';
}

bool is_json_list(const std::string& cell) {
  auto s = trim(cell);
  return s.size() >= 2 && s.front() == '[' && s.back() == ']';
}

column_stats infer_column(const std::string& name, const std::vector<std::string>& cells) {
  column_stats st;
  size_t present = 0, numbers = 0, dates = 0, integral = 0, total_words = 0, lists = 0;
  double length = 0;
  std::set<std::string> values;
  for (auto& c : cells) {
    if (is_missing(c))
      continue;
    ++present;
    values.insert(c);
    length += static_cast<double>(c.size());
    total_words += words(c);
    if (is_number(c)) {
      ++numbers;
      double v = std::strtod(c.c_str(), nullptr);
      if (v == std::floor(v))
        ++integral;
    } else if (is_datetime(c)) {
      ++dates;
    } else if (is_json_list(c)) {
      ++lists;
    }
  }
  st.missing_share = cells.empty() ? 0 : 1.0 - double(present) / double(cells.size());
  st.distinct = values.size();
  st.mean_length = present ? length / double(present) : 0;
  if (present == 0) {
    st.kind = column_kind::numeric; // all missing: harmless as NaN numbers
    return st;
  }
  if (numbers == present) {
    st.kind = column_kind::numeric;
    st.integer = integral == present;
    return st;
  }
  if (dates == present) {
    st.kind = column_kind::datetime;
    return st;
  }
  if (lists == present) {
    st.kind = column_kind::list;
    return st;
  }
  // Free text: mostly unique, several words per value. High-cardinality
  // single tokens (codes, names) stay categorical.
  double unique_share = double(values.size()) / double(present);
  double mean_words = double(total_words) / double(present);
  if (present >= 20 && unique_share > 0.5 && mean_words >= 2.0 && st.mean_length >= 12)
    st.kind = column_kind::text;
  else if (mean_words >= 5.0 && st.mean_length >= 30)
    st.kind = column_kind::text;
  else
    st.kind = column_kind::categorical;
  (void)name;
  return st;
}

} // namespace kagent::agent
