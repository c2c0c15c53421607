#include "core/uuid.hpp"

#include "core/random.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>

namespace kagent {

std::string new_uuid() {
  // 16 fresh bytes per id, straight from getrandom(2): no user-space state
  // to recover, and nothing shared with a forked child.
  uuid_bytes b;
  os_random(b.data(), b.size());
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40); // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80); // variant 1
  return uuid_from_bytes(b);
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

std::optional<uuid_bytes> uuid_to_bytes(const std::string& s) {
  if (!is_uuid(s))
    return std::nullopt;
  auto nibble = [](char c) {
    return static_cast<uint8_t>(std::isdigit(static_cast<unsigned char>(c))
                                  ? c - '0'
                                  : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
  };
  uuid_bytes out{};
  size_t at = 0;
  for (size_t i = 0; i < s.size(); i += (s[i] == '-' ? 1 : 2)) {
    if (s[i] == '-')
      continue;
    out[at++] = static_cast<uint8_t>(nibble(s[i]) << 4 | nibble(s[i + 1]));
  }
  return out;
}

std::string uuid_from_bytes(const uuid_bytes& b) {
  char buf[37];
  std::snprintf(buf, sizeof(buf),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                b[14], b[15]);
  return buf;
}

} // namespace kagent
