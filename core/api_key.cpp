#include "core/api_key.hpp"

#include "core/random.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"

namespace kagent {

std::string new_api_key() {
  return "kag_" + random_hex(32);
}

std::string hash_api_key(const std::string& key) {
  return sha256_hex(key);
}

std::string bearer_token(const std::string& authorization) {
  auto v = trim(authorization);
  if (v.size() < 7 || to_lower(v.substr(0, 7)) != "bearer ")
    return {};
  return trim(v.substr(7));
}

std::string subprotocol_token(const std::string& protocols) {
  constexpr const char* prefix = "kagent-key.";
  size_t start = 0;
  while (start <= protocols.size()) {
    auto end = protocols.find(',', start);
    if (end == std::string::npos)
      end = protocols.size();
    auto item = trim(protocols.substr(start, end - start));
    if (item.compare(0, 11, prefix) == 0)
      return item.substr(11);
    start = end + 1;
  }
  return {};
}

bool is_valid_key_name(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '_' || c == '.' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

} // namespace kagent
