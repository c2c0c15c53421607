// What an archive from Kaggle may put into the cache: the decisions behind
// sources/unpack, as pure functions. Entry names are checked before any
// file is created (no absolute paths, no "..", no drive letters, no control
// characters), and the bytes written are budgeted against a total limit and
// a compression ratio, counted as written rather than as the archive claims.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kagent::sources {

/// Limits of one unpack.
struct unpack_limits {
  int64_t max_unpacked_bytes = 50LL << 30; ///< all files together
  int64_t max_ratio = 200;                 ///< unpacked bytes per archive byte
  int64_t ratio_floor_bytes = 64LL << 20;  ///< below this total the ratio is not checked
  int64_t max_entries = 100000;            ///< files and directories
};

/// Why `name` cannot be placed inside the unpack directory; empty when it can.
std::string unsafe_entry_reason(const std::string& name);

/// The components of a safe entry name, "." components and a trailing '/'
/// dropped ("a/./b.csv" -> {"a", "b.csv"}).
std::vector<std::string> entry_components(const std::string& name);

/// Why `unpacked` bytes written so far are too many for an archive of
/// `archive_bytes`; empty while within the limits.
std::string over_budget_reason(const unpack_limits& limits, int64_t archive_bytes,
                               int64_t unpacked);

} // namespace kagent::sources
