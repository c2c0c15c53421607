// libFuzzer target: the JSON body of POST /run, through the router as a
// session hands it over (Content-Type: application/json).
#include <cstddef>
#include <cstdint>

#include "http/router.hpp"

using namespace kagent::http;
namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  request req{bhttp::verb::post, "/run", 11};
  req.set(bhttp::field::content_type, "application/json");
  req.body().assign(reinterpret_cast<const char*>(data), size);
  req.prepare_payload();
  router_limits limits;
  limits.max_body_bytes = 64 * 1024;
  auto r = route(req, limits);
  if (!r.immediate && r.call.request_hash.size() != 64)
    __builtin_trap();  // an accepted body always names what it asks for
  return 0;
}
