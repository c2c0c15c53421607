// Fetching one competition from Kaggle into the download cache: its listing
// (for description.md), its file list (to refuse what is too large before
// downloading), the download-all zip, the unpack into public/, and the
// publishing rename. Blocking: the competition store runs it in a detached
// actor, one fetch per slug at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include <caf/expected.hpp>

#include "sources/download.hpp"
#include "sources/kaggle_api.hpp"
#include "sources/mirror.hpp"
#include "sources/unpack_rules.hpp"

namespace kagent::sources {

/// Everything a fetch needs.
struct kaggle_fetch_settings {
  kaggle_endpoint endpoint;
  std::string cache_dir;
  int64_t max_download_bytes = 20LL << 30;
  unpack_limits unpack;
  std::chrono::seconds timeout{3600};  ///< the whole fetch: listing, download, unpack
};

/// Fetches `slug` and returns its cache entry. `progress` sees the bytes of
/// the download (and the total the file list announces until storage says).
caf::expected<mirror_entry> fetch_from_kaggle(const kaggle_fetch_settings& s,
                                              const std::string& slug, const progress_fn& progress,
                                              const std::atomic<bool>& abort);

} // namespace kagent::sources
