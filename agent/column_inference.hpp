// Inferring each column's kind from a sample of its cells: numeric,
// categorical, datetime, free text, a list of tokens (a JSON array), or id.
// Pure functions over strings.
#pragma once

#include <string>
#include <vector>

namespace kagent::agent {

/// What a column holds, as the generated program will treat it.
enum class column_kind { numeric, categorical, datetime, text, list, id };

/// The profile name of a kind, e.g. "numeric".
const char* to_string(column_kind k);

/// Statistics behind a kind decision.
struct column_stats {
  column_kind kind = column_kind::categorical; ///< the decision
  double missing_share = 0;  ///< share of missing cells in the sample
  size_t distinct = 0;       ///< distinct non-missing values in the sample
  double mean_length = 0;    ///< mean characters of non-missing values
  bool integer = false;      ///< numeric and every value integral
};

/// True for the cells pandas reads as missing ("", "NA", "nan", "null", ...).
bool is_missing(const std::string& cell);

/// True when `cell` is a finite decimal number (pandas would parse it as a float).
bool is_number(const std::string& cell);

/// True for ISO-like dates and timestamps (YYYY-MM-DD, YYYY/MM/DD, with an
/// optional time) and US dates (MM/DD/YYYY).
bool is_datetime(const std::string& cell);

/// True for a cell holding a JSON array, e.g. `["salt","water"]`.
bool is_json_list(const std::string& cell);

/// The kind of a column named `name` with sample `cells`.
column_stats infer_column(const std::string& name, const std::vector<std::string>& cells);

} // namespace kagent::agent
