// A worker's copy of competition files, by content hash (docs/ARCHITECTURE.md, the cluster):
//   <root>/blobs/<sha256>          verified files, read-only
//   <root>/partial/<sha256>        a file being received, chunk by chunk
//   <root>/views/<key>/...         one competition's layout, hard links to blobs
// A file reaches a worker once; a new manifest key (the head's files
// changed) gets a new view from the blobs it can reuse. Everything the head
// names is checked before it becomes a path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cluster/protocol.hpp"
#include "core/result.hpp"

namespace kagent::cluster {

/// True for 64 lowercase hex digits.
bool is_sha256_hex(const std::string& s);

/// True for a relative path of plain components ("data/a/b.csv").
bool is_safe_relative_path(const std::string& path);

/// "" when every entry of `m` has a safe path and a well-formed hash.
std::string check_manifest(const competition_manifest& m);

class file_cache {
public:
  explicit file_cache(std::string root);

  /// Creates the folders; fails when they cannot be made.
  result<ok_t> open();

  /// Entries of `m` whose blob is not here yet.
  std::vector<file_entry> missing(const competition_manifest& m) const;

  /// Appends `c` to the partial file of `f`; its offset must be where the
  /// partial file ends (0 starts over). On the last chunk the file is
  /// verified against its hash and becomes a blob. Returns true when done.
  result<bool> receive(const file_entry& f, const file_chunk& c);

  /// The folder laid out as `m` says (made once per key): data/... and
  /// description.md, readable by every user.
  result<std::string> view(const competition_manifest& m);

  /// Bytes in blobs.
  int64_t stored_bytes() const;

  const std::string& root() const { return root_; }

private:
  std::string root_;
};

} // namespace kagent::cluster
