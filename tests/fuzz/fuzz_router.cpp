// libFuzzer target: raw bytes parsed as an HTTP request by Beast (as a
// session would), then routed with every check on (Host, CORS, body limit).
#include <cstddef>
#include <cstdint>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include "http/router.hpp"

using namespace kagent::http;
namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const router_limits limits = [] {
    router_limits l;
    l.max_body_bytes = 4096;
    l.allowed_hosts = default_allowed_hosts("127.0.0.1", 8000, {"kagent.test"});
    l.cors_origin = "https://ui.example";
    return l;
  }();
  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(limits.max_body_bytes);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec && ec != bhttp::error::need_more)
    return 0;
  if (!parser.is_done())
    parser.put_eof(ec);
  if (ec || !parser.is_header_done())
    return 0;
  auto req = parser.release();
  auto r = route(req, limits);
  if (r.immediate)
    (void)r.immediate->result_int();
  websocket_origin_ok(std::string{req[bhttp::field::origin]},
                      std::string{req[bhttp::field::host]}, limits);
  return 0;
}
