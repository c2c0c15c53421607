#include "core/uuid.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <random>

namespace kagent {

std::string new_uuid() {
  // One generator seeded from the OS; a mutex is cheaper than a
  // random_device read per id.
  static std::mutex mtx;
  static std::mt19937_64 gen{std::random_device{}()};
  uint64_t hi, lo;
  {
    std::lock_guard<std::mutex> guard{mtx};
    hi = gen();
    lo = gen();
  }
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull; // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull; // variant 1
  char buf[37];
  snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx",
           static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xFFFF),
           static_cast<unsigned>(hi & 0xFFFF), static_cast<unsigned>(lo >> 48),
           static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
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
