// Bounded reading of a table for analysis: the header, the first rows as a
// sample for type inference, the exact row count (by streaming), the distinct
// values of chosen columns (capped) and which columns never repeat a value.
// Delimited text streams in constant memory; JSON records are parsed whole,
// up to a size limit. A JSON list is one cell (its compact JSON text); nested
// objects are flattened one level ("a.b"), as pandas' json_normalize does.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent/data_files.hpp"
#include "agent/result.hpp"

namespace kagent::agent {

/// What analysis learns from one pass over a table.
struct table_scan {
  std::vector<std::string> header;                    ///< column names in file order
  std::vector<std::vector<std::string>> sample;       ///< the first rows, all cells as text
  int64_t rows = 0;                                   ///< data rows in the whole file
  std::map<std::string, std::map<std::string, int64_t>> distinct; ///< tracked columns' value counts
  std::set<std::string> overflowed;                   ///< tracked columns past the cap
  std::set<std::string> unique;                       ///< columns without a repeated value (when checked)
};

/// Limits of one scan.
struct scan_limits {
  size_t sample_rows = 2000;     ///< rows kept for inference
  size_t distinct_cap = 1000;    ///< values kept per tracked column
  size_t json_max_bytes = 512u << 20; ///< JSON files are parsed whole
  bool check_unique = false;     ///< fill table_scan::unique
  size_t unique_rows = 2000000;  ///< rows checked for repeats; later rows are trusted
};

/// Which columns to collect distinct values of, decided once the header is known.
using track_predicate = std::function<bool(const std::string& column)>;

/// Called once with the header, then once per data row (cells as text).
struct row_visitor {
  std::function<void(const std::vector<std::string>& header)> on_header; ///< may be empty
  std::function<void(const std::vector<std::string>& row)> on_row;       ///< may be empty
};

/// Streams the table in `text` (format "csv" with delimiter `sep`, or "json").
result<int64_t> visit_text(const std::string& text, const std::string& format, char sep,
                           const row_visitor& v, const scan_limits& limits = {});

/// Streams `f` under `competition_dir`; returns the number of data rows.
result<int64_t> visit_table(const std::string& competition_dir, const data_file& f,
                            const row_visitor& v, const scan_limits& limits = {});

/// Scans the table in `text` of format "csv" or "json" (for tests).
result<table_scan> scan_text(const std::string& text, const std::string& format,
                             const track_predicate& track, const scan_limits& limits = {},
                             char sep = ',');

/// Scans `f` under `competition_dir`.
result<table_scan> scan_table(const std::string& competition_dir, const data_file& f,
                              const track_predicate& track, const scan_limits& limits = {});

/// The header of `f` only (JSON files are still parsed whole).
result<std::vector<std::string>> read_header(const std::string& competition_dir,
                                             const data_file& f, const scan_limits& limits = {});

} // namespace kagent::agent
