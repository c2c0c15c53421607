#define CAF_SUITE cluster.head_link
#include "caf/test/dsl.hpp"

#include "cluster/head_link.hpp"

using namespace kagent::cluster;

CAF_TEST(parse_host_port splits host and port) {
  auto hp = parse_host_port("h:1");
  CAF_REQUIRE(hp);
  CAF_CHECK_EQUAL(hp->first, "h");
  CAF_CHECK_EQUAL(hp->second, 1u);
  hp = parse_host_port("head.example:65535");
  CAF_REQUIRE(hp);
  CAF_CHECK_EQUAL(hp->first, "head.example");
  CAF_CHECK_EQUAL(hp->second, 65535u);
}

CAF_TEST(parse_host_port strips the brackets of an ipv6 host) {
  auto hp = parse_host_port("[::1]:4242");
  CAF_REQUIRE(hp);
  CAF_CHECK_EQUAL(hp->first, "::1");
  CAF_CHECK_EQUAL(hp->second, 4242u);
}

CAF_TEST(parse_host_port rejects a missing or bad host or port) {
  std::vector<std::string> accepted;
  for (auto s : {"h", ":1", "h:", "h:0", "h:70000", "h:65536", "h:abc", "h:-1", "h:1x", "[]:1",
                 "", "h:123456"})
    if (parse_host_port(s))
      accepted.emplace_back(s);
  CAF_CHECK_EQUAL(accepted, std::vector<std::string>{});
}
