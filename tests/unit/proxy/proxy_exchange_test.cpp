#define CAF_SUITE proxy.exchange
#include "caf/test/dsl.hpp"

#include "proxy/proxy_exchange.hpp"

using namespace kagent;
using namespace kagent::proxy;

namespace {

incoming post(const std::string& target, std::map<std::string, std::string> h = {}) {
  incoming r;
  r.method = "POST";
  r.target = target;
  r.headers = std::move(h);
  r.body = "{}";
  return r;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

} // namespace

CAF_TEST(only a post to the dialects endpoint passes) {
  CAF_CHECK(!refusal(post("/v1/messages"), llm_dialect::anthropic, 100));
  CAF_CHECK(!refusal(post("/chat/completions"), llm_dialect::openai, 100));
  CAF_CHECK_EQUAL(refusal(post("/v1/complete"), llm_dialect::anthropic, 100)->status, 404);
  CAF_CHECK_EQUAL(refusal(post("/v1/messages?x=1"), llm_dialect::anthropic, 100)->status, 404);
  CAF_CHECK_EQUAL(refusal(post("/v1/messages"), llm_dialect::openai, 100)->status, 404);
  auto get = post("/v1/messages");
  get.method = "GET";
  CAF_CHECK_EQUAL(refusal(get, llm_dialect::anthropic, 100)->status, 405);
  auto big = post("/v1/messages");
  big.body.assign(101, 'x');
  CAF_CHECK_EQUAL(refusal(big, llm_dialect::anthropic, 100)->status, 413);
}

CAF_TEST(the proxy adds its key and drops the clients authentication headers) {
  auto req = post("/v1/messages", {{"x-api-key", "stolen"}, {"authorization", "Bearer stolen"},
                                   {"anthropic-version", "2023-06-01"}});
  auto h = upstream_headers(req, llm_dialect::anthropic, "sk-real");
  CAF_CHECK(has(h, "x-api-key: sk-real"));
  CAF_CHECK(has(h, "anthropic-version: 2023-06-01"));
  for (auto& line : h)
    CAF_CHECK_EQUAL(line.find("stolen"), std::string::npos);
  auto o = upstream_headers(req, llm_dialect::openai, "sk-oai");
  CAF_CHECK(has(o, "Authorization: Bearer sk-oai"));
  for (auto& line : o) {
    CAF_CHECK_EQUAL(line.find("stolen"), std::string::npos);
    CAF_CHECK_EQUAL(line.find("x-api-key"), std::string::npos);
  }
}

CAF_TEST(a malformed anthropic version is replaced by ours) {
  auto req = post("/v1/messages", {{"anthropic-version", "x\r\nHost: evil"}});
  auto h = upstream_headers(req, llm_dialect::anthropic, "k");
  CAF_CHECK(has(h, "anthropic-version: 2023-06-01"));
  auto none = upstream_headers(post("/v1/messages"), llm_dialect::anthropic, "k");
  CAF_CHECK(has(none, "anthropic-version: 2023-06-01"));
}

CAF_TEST(only the headers the retry rule reads come back) {
  auto back = returned_headers({{"retry-after", "3"}, {"retry-after-ms", "250"},
                                {"x-should-retry", "true"}, {"content-type", "application/json"},
                                {"set-cookie", "a=b"}, {"anthropic-organization-id", "org"}});
  CAF_CHECK_EQUAL(back.size(), 4u);
  CAF_CHECK_EQUAL(back.count("set-cookie"), 0u);
  CAF_CHECK_EQUAL(back.at("retry-after"), "3");
}

CAF_TEST(proxy errors have the dialects shape and render as http) {
  auto a = proxy_error(llm_dialect::anthropic, 502, "api_error", "upstream unreachable");
  CAF_CHECK_EQUAL(a.body, R"({"type":"error","error":{"type":"api_error","message":"upstream unreachable"}})");
  auto o = proxy_error(llm_dialect::openai, 504, "api_error", "timed out");
  CAF_CHECK_EQUAL(o.body, R"({"error":{"type":"api_error","message":"timed out"}})");
  auto wire = render(a);
  CAF_CHECK_EQUAL(wire.rfind("HTTP/1.1 502 Bad Gateway\r\n", 0), 0u);
  CAF_CHECK(wire.find("content-length: " + std::to_string(a.body.size()) + "\r\n")
            != std::string::npos);
  CAF_CHECK(wire.find("connection: close\r\n\r\n") != std::string::npos);
  outgoing injected;
  injected.headers["retry-after"] = "1\r\nSet-Cookie: x";
  CAF_CHECK_EQUAL(render(injected).find("Set-Cookie"), std::string::npos);
}
