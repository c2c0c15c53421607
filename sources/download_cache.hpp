// The download cache on disk, laid out as a mirror (sources/mirror.hpp):
//   <cache>/<slug>/description.md, <cache>/<slug>/public/<files>
// A fetch works in <cache>/.partial/<slug>.zip and <cache>/.staging/<slug>.N/
// and publishes the entry with one rename, so an entry that exists is whole
// (dot names are never slugs, so they cannot be looked up by mistake).
#pragma once

#include <string>

#include <caf/error.hpp>

namespace kagent::sources {

/// The paths of one fetch of `slug`.
struct cache_paths {
  std::string entry;    ///< <cache>/<slug>, the published entry
  std::string staging;  ///< where the entry is assembled
  std::string partial;  ///< the archive while it downloads
};

/// The paths for `slug`; `unique` tells concurrent stagings apart.
cache_paths cache_paths_for(const std::string& cache_dir, const std::string& slug,
                            const std::string& unique);

/// Creates the cache and its work directories (0755) when missing, and an
/// empty staging directory for `paths` (left-overs of a crash are removed).
caf::error prepare_fetch(const std::string& cache_dir, const cache_paths& paths);

/// Publishes the staging directory as the entry. When another fetch already
/// published one, that one stays and the staging directory is removed.
caf::error publish_entry(const cache_paths& paths);

/// Removes a directory tree without following symlinks; missing is fine.
caf::error remove_tree(const std::string& path);

} // namespace kagent::sources
