// Unpacking a downloaded zip into a fresh directory with libarchive, safely:
// every entry name is checked first (sources/unpack_rules), only regular
// files and directories are created (links, devices and FIFOs refuse the
// whole archive), files are created exclusively under descriptors opened
// with O_NOFOLLOW relative to the target, and the bytes written are
// budgeted against the total and ratio limits. Zips inside the zip are kept
// as they are, like Kaggle serves them. Blocking: detached actors only.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <caf/expected.hpp>

#include "sources/unpack_rules.hpp"

namespace kagent::sources {

/// What an unpack wrote.
struct unpack_stats {
  int64_t files = 0;
  int64_t directories = 0;
  int64_t bytes = 0;
};

/// Unpacks the zip at `archive` into the existing, empty directory `dest`
/// (files 0644, directories 0755). On error `dest` may hold a part of the
/// archive; the caller discards it.
caf::expected<unpack_stats> unpack_zip(const std::string& archive, const std::string& dest,
                                       const unpack_limits& limits, const std::atomic<bool>& abort);

} // namespace kagent::sources
