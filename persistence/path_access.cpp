#include "persistence/path_access.hpp"

#include <sys/stat.h>
#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "core/log.hpp"

namespace kagent::pg {

namespace {

// include/uapi/linux/posix_acl.h and posix_acl_xattr.h
constexpr uint16_t tag_user_obj = 0x01, tag_user = 0x02, tag_group_obj = 0x04,
                   tag_group = 0x08, tag_mask = 0x10, tag_other = 0x20;
constexpr uint32_t undefined_id = 0xffffffffu;
constexpr uint32_t xattr_version = 2;
constexpr const char* xattr_name = "system.posix_acl_access";

void put_le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t get_le(const std::string& in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= uint64_t{static_cast<unsigned char>(in[at + i])} << (8 * i);
  return v;
}

} // namespace

std::vector<acl_entry> acl_from_mode(unsigned mode) {
  return {{tag_user_obj, static_cast<uint16_t>((mode >> 6) & 7), undefined_id},
          {tag_group_obj, static_cast<uint16_t>((mode >> 3) & 7), undefined_id},
          {tag_other, static_cast<uint16_t>(mode & 7), undefined_id}};
}

std::vector<acl_entry> with_user_search(std::vector<acl_entry> acl, uint32_t uid) {
  auto user = std::find_if(acl.begin(), acl.end(),
                           [&](auto& e) { return e.tag == tag_user && e.id == uid; });
  if (user != acl.end())
    user->perm |= 1;
  else
    acl.push_back({tag_user, 1, uid});
  auto mask = std::find_if(acl.begin(), acl.end(), [](auto& e) { return e.tag == tag_mask; });
  if (mask != acl.end()) {
    mask->perm |= 1;
  } else {
    // A new mask must not cut what the group class had: their union.
    uint16_t perm = 0;
    for (auto& e : acl)
      if (e.tag == tag_user || e.tag == tag_group_obj || e.tag == tag_group)
        perm |= e.perm;
    acl.push_back({tag_mask, perm, undefined_id});
  }
  // The kernel wants entries ordered by tag, then id.
  std::sort(acl.begin(), acl.end(), [](auto& a, auto& b) {
    return a.tag != b.tag ? a.tag < b.tag : a.id < b.id;
  });
  return acl;
}

std::string encode_acl(const std::vector<acl_entry>& acl) {
  std::string out;
  put_le(out, xattr_version, 4);
  for (auto& e : acl) {
    put_le(out, e.tag, 2);
    put_le(out, e.perm, 2);
    put_le(out, e.id, 4);
  }
  return out;
}

std::vector<acl_entry> decode_acl(const std::string& bytes) {
  std::vector<acl_entry> out;
  if (bytes.size() < 4 || get_le(bytes, 0, 4) != xattr_version)
    return out;
  for (size_t at = 4; at + 8 <= bytes.size(); at += 8)
    out.push_back({static_cast<uint16_t>(get_le(bytes, at, 2)),
                   static_cast<uint16_t>(get_le(bytes, at + 2, 2)),
                   static_cast<uint32_t>(get_le(bytes, at + 4, 4))});
  return out;
}

caf::error grant_traverse(const run_user& user, const std::string& path) {
  if (!user.switch_user)
    return caf::none; // our own directories
  auto log = get_logger("persistence");
  for (size_t pos = 1; pos != std::string::npos && pos <= path.size();) {
    auto next = path.find('/', pos);
    auto dir = path.substr(0, next);
    pos = next == std::string::npos ? next : next + 1;
    if (can_traverse(user, dir))
      continue;
    struct stat st {};
    if (stat(dir.c_str(), &st) != 0)
      return make_error(errc::internal, "cannot stat " + dir + ": " + strerror(errno));
    std::vector<acl_entry> acl;
    auto size = getxattr(dir.c_str(), xattr_name, nullptr, 0);
    if (size > 0) {
      std::string current(static_cast<size_t>(size), '\0');
      auto n = getxattr(dir.c_str(), xattr_name, current.data(), current.size());
      if (n > 0)
        acl = decode_acl(current.substr(0, static_cast<size_t>(n)));
    }
    if (acl.empty())
      acl = acl_from_mode(st.st_mode);
    auto wanted = encode_acl(with_user_search(acl, user.uid));
    if (setxattr(dir.c_str(), xattr_name, wanted.data(), wanted.size(), 0) != 0)
      return make_error(errc::internal,
                        "user " + user.name + " cannot search " + dir
                          + " (needed to reach the embedded PostgreSQL cluster) and an ACL "
                            "granting it cannot be set: "
                          + strerror(errno) + "; grant it (setfacl -m u:" + user.name + ":x "
                          + dir + "), or choose --pg-dir=DIR or --database-url");
    log->info("granted search to the cluster user dir={} user={}", dir, user.name);
    if (!can_traverse(user, dir))
      return make_error(errc::internal, "user " + user.name + " still cannot search " + dir);
  }
  return caf::none;
}

} // namespace kagent::pg
