// libFuzzer target: competition URLs (core/competition_url) and request
// targets (http/url: percent-decoding, segments, query).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/competition_url.hpp"
#include "http/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  auto slug = kagent::parse_competition_url(s);
  if (slug && !kagent::is_valid_slug(*slug))
    __builtin_trap();  // a slug that passed must be one a mirror folder may have
  auto t = kagent::http::parse_target(s);
  for (auto& seg : t.segments)
    (void)seg.size();
  kagent::http::percent_decode(s, true);
  return 0;
}
