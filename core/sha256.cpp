#include "core/sha256.hpp"

#include <openssl/evp.h>

namespace kagent {

std::string sha256_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (unsigned int i = 0; i < n; ++i) {
    out += digits[md[i] >> 4];
    out += digits[md[i] & 0xF];
  }
  return out;
}

} // namespace kagent
