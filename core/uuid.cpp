#include "core/uuid.hpp"

#include "core/random.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>

namespace kagent {

std::string new_uuid() {
  // 16 fresh bytes per id, straight from getrandom(2): no user-space state
  // to recover, and nothing shared with a forked child.
  unsigned char b[16];
  os_random(b, sizeof(b));
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40); // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80); // variant 1
  char buf[37];
  std::snprintf(buf, sizeof(buf),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                b[14], b[15]);
  return buf;
}

bool is_uuid(const std::string& s) {
  if (s.size() != 36)
    return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-')
        return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

} // namespace kagent
