#include "core/random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace kagent {

void os_random(unsigned char* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    auto r = getrandom(buf + got, n - got, 0);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0) {
      // Job ids and API keys are what stands between users: without entropy
      // kagentd stops rather than hand out guessable ones.
      std::perror("kagent: getrandom");
      std::abort();
    }
    got += static_cast<size_t>(r);
  }
}

std::string random_hex(size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::vector<unsigned char> b(n);
  os_random(b.data(), n);
  std::string out;
  out.reserve(2 * n);
  for (auto c : b) {
    out += digits[c >> 4];
    out += digits[c & 0xF];
  }
  return out;
}

} // namespace kagent
