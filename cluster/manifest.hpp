// The head's side of competition files in a cluster: what a competition's
// public files are now (names, sizes, content hashes) and where to read a
// file with a given hash. Hashes are remembered by (path, size, mtime), so
// only a changed file is read again; a changed file gets a new hash and
// the competition a new key, which is what invalidates workers' caches.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "cluster/protocol.hpp"
#include "core/result.hpp"

namespace kagent::cluster {

/// The key of a manifest: the SHA-256 of its sorted entries.
std::string manifest_key(const std::vector<file_entry>& files);

class manifest_builder {
public:
  /// The files below `data_dir` (as "data/<relative path>", regular files
  /// only, links not followed into directories) and `description` (as
  /// "description.md", when not empty).
  result<competition_manifest> build(const std::string& data_dir, const std::string& description);

  /// Up to chunk_bytes of the file with content hash `sha` from `offset`.
  /// Fails for a hash no manifest listed or a file that changed since.
  result<file_chunk> read_chunk(const std::string& sha, int64_t offset) const;

private:
  struct hashed {
    int64_t size = 0;
    int64_t mtime_ns = 0;
    std::string sha256;
  };
  result<hashed> hash_of(const std::string& path);
  std::map<std::string, hashed> by_path_;        ///< absolute path -> hash
  std::map<std::string, std::string> path_of_;   ///< hash -> absolute path
};

} // namespace kagent::cluster
