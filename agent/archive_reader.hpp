// Reading members of archives (zip, tar, gzip) through libarchive, in memory
// and streaming only. Member names are treated as labels, never as paths:
// nothing is extracted, and names that would escape a directory (absolute,
// `..`, drive letters) are reported unsafe and never opened.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/byte_source.hpp"
#include "agent/result.hpp"

namespace kagent::agent {

/// One regular file inside an archive.
struct archive_member {
  std::string name; ///< as stored in the archive
  int64_t size = -1; ///< uncompressed size when the archive says, else -1
  bool safe = true;  ///< false for names that would escape a directory
};

/// True when `name` is relative, has no `..` component, no backslashes and
/// no control characters.
bool is_safe_member_name(const std::string& name);

/// True when `file_name` looks like an archive we read (.zip, .tar, .tgz,
/// .tar.gz, .gz, .bz2, .xz).
bool is_archive_name(const std::string& file_name);

/// The regular files of the archive at `path` (for a bare .gz: one member
/// named like the file without `.gz`).
result<std::vector<archive_member>> list_archive(const std::string& path);

/// Same as list_archive, for an archive held in memory.
result<std::vector<archive_member>> list_archive_memory(const std::string& bytes);

/// A stream over the member `member` of the archive at `path`; fails for
/// unsafe or missing members.
result<std::unique_ptr<byte_source>>
open_archive_member(const std::string& path, const std::string& member);

/// Same as open_archive_member, for an archive held in memory.
result<std::unique_ptr<byte_source>>
open_archive_member_memory(const std::string& bytes, const std::string& member);

} // namespace kagent::agent
