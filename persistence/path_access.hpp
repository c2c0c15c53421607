// Lets the embedded cluster's user reach its directory inside kagent's data
// dir: the least it needs is search (x) on every directory above it. Where
// that is missing it is granted to that one user with a POSIX ACL entry
// (nobody else gains anything), or the start fails naming the directory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/error.hpp>

#include "persistence/postgres_process.hpp"

namespace kagent::pg {

/// One entry of a POSIX access ACL (tag, permission bits rwx = 4|2|1, id).
struct acl_entry {
  uint16_t tag;
  uint16_t perm;
  uint32_t id;
};

/// The access ACL equivalent to a file mode (owner, group, other).
std::vector<acl_entry> acl_from_mode(unsigned mode);

/// `acl` with search (x) added for user `uid`, and the mask widened so the
/// entry takes effect; the owning group and others are left as they are.
std::vector<acl_entry> with_user_search(std::vector<acl_entry> acl, uint32_t uid);

/// Kernel xattr encoding of an ACL (system.posix_acl_access), and back.
std::string encode_acl(const std::vector<acl_entry>& acl);
std::vector<acl_entry> decode_acl(const std::string& bytes);

/// Grants `user` search on each directory from / down to `path` that it
/// cannot search yet, logging each grant; fails naming the directory and
/// the permission when the file system refuses the ACL.
caf::error grant_traverse(const run_user& user, const std::string& path);

} // namespace kagent::pg
