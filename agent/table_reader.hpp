// Bounded reading of a table for analysis: the header, the first rows as a
// sample for type inference, the exact row count (by streaming) and the
// distinct values of chosen columns (capped). CSV streams in constant memory;
// JSON records are parsed whole, up to a size limit.
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
};

/// Limits of one scan.
struct scan_limits {
  size_t sample_rows = 2000;     ///< rows kept for inference
  size_t distinct_cap = 1000;    ///< values kept per tracked column
  size_t json_max_bytes = 512u << 20; ///< JSON files are parsed whole
};

/// Which columns to collect distinct values of, decided once the header is known.
using track_predicate = std::function<bool(const std::string& column)>;

/// Scans the table in `text` of format "csv" or "json" (for tests).
result<table_scan> scan_text(const std::string& text, const std::string& format,
                             const track_predicate& track, const scan_limits& limits = {});

/// Scans `f` under `competition_dir`.
result<table_scan> scan_table(const std::string& competition_dir, const data_file& f,
                              const track_predicate& track, const scan_limits& limits = {});

} // namespace kagent::agent
