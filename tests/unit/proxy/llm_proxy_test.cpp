#define CAF_SUITE proxy.llm_proxy
#include "caf/test/dsl.hpp"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include <caf/all.hpp>

#include "../standin_process.hpp"
#include "agent/llm/llm_client.hpp"
#include "proxy/llm_proxy.hpp"

using namespace kagent;
using namespace kagent::agent::llm;
namespace fs = std::filesystem;

namespace {

const std::string key = "sk-proxy-test-KEY";

// A real proxy (real actor system, real socket) in front of the stand-in.
struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  testing::standin_process standin{key};
  fs::path dir = fs::temp_directory_path()
                 / ("kagent-proxy-" + std::to_string(::getpid()) + "-"
                    + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::string socket = (dir / "run" / "llm.sock").string();
  caf::actor proxy;

  void start(llm_dialect d, int timeout_s = 30) {
    auto url = standin.url() + (d == llm_dialect::openai ? "/v1" : "");
    auto p = spawn_llm_proxy(sys, {socket, {}, d, url, key, timeout_s, 4});
    CAF_REQUIRE(p);
    proxy = *p;
  }

  ~fixture() {
    if (proxy) {
      caf::scoped_actor self{sys};
      self->send_exit(proxy, caf::exit_reason::user_shutdown);
      self->wait_for(proxy);
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  // A stage-side client: through the socket, without a key.
  llm_client client(llm_dialect d, int timeout_s = 30) {
    llm_options o;
    o.dialect = d;
    o.model = "standin-1";
    o.socket = socket;
    o.timeout_s = timeout_s;
    return llm_client{o};
  }

  std::string header_seen(size_t i, const char* name) {
    auto log = standin.requests();
    auto& reqs = log["requests"];
    if (i >= reqs.Size() || !reqs[i]["headers"].HasMember(name))
      return "<none>";
    return reqs[i]["headers"][name].GetString();
  }
};

chat_request ask() { return {"plan", "be brief", "hello", 64}; }

} // namespace

CAF_TEST_FIXTURE_SCOPE(llm_proxy_tests, fixture)

CAF_TEST(a keyless stage request reaches the llm with the proxys key) {
  CAF_REQUIRE(standin.port() > 0);
  CAF_REQUIRE(standin.script(R"({"plan": [{"text": "hi from the stand-in"}]})"));
  start(llm_dialect::anthropic);
  struct stat st;
  CAF_REQUIRE_EQUAL(::stat(socket.c_str(), &st), 0);
  CAF_CHECK(S_ISSOCK(st.st_mode));
  CAF_CHECK_EQUAL(st.st_mode & 0777, 0600u);
  auto c = client(llm_dialect::anthropic);
  auto r = c.complete(ask());
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->text, "hi from the stand-in");
  CAF_CHECK_GREATER(c.usage().input_tokens, 0);
  CAF_CHECK_EQUAL(header_seen(0, "x-api-key"), key);
  CAF_CHECK_EQUAL(header_seen(0, "anthropic-version"), "2023-06-01");
}

CAF_TEST(a key the stage sends is replaced by the proxys) {
  CAF_REQUIRE(standin.script(R"({"plan": [{"text": "ok"}]})"));
  start(llm_dialect::anthropic);
  http_request req;
  req.url = "http://llm-proxy/v1/messages";
  req.unix_socket = socket;
  req.headers = {"Content-Type: application/json", "x-api-key: stage-made-up",
                 "anthropic-version: 2023-06-01"};
  req.body = request_body(llm_dialect::anthropic, "m", ask());
  auto r = http_post(req);
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(header_seen(0, "x-api-key"), key);
}

CAF_TEST(other paths are refused without reaching the llm) {
  CAF_REQUIRE(standin.script(R"({"plan": [{"text": "ok"}]})"));
  start(llm_dialect::anthropic);
  http_request req;
  req.url = "http://llm-proxy/v1/files";
  req.unix_socket = socket;
  req.body = "{}";
  auto r = http_post(req);
  CAF_CHECK_EQUAL(r.status, 404);
  CAF_CHECK_EQUAL(standin.requests()["requests"].Size(), 0u);
}

CAF_TEST(429 with retry-after and 529 overloaded are retried through the proxy) {
  CAF_REQUIRE(standin.script(R"({"plan": [{"status": 429, "retry_after": "1"},
                                          {"status": 529}, {"text": "finally"}]})"));
  start(llm_dialect::anthropic);
  auto c = client(llm_dialect::anthropic);
  auto t0 = std::chrono::steady_clock::now();
  auto r = c.complete(ask());
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->text, "finally");
  CAF_CHECK_EQUAL(c.usage().requests, 3);
  CAF_REQUIRE_EQUAL(c.waits().size(), 2u);
  CAF_CHECK_EQUAL(c.waits()[0], 1.0); // the server's retry-after
  CAF_CHECK(c.waits()[1] > 0.7 && c.waits()[1] <= 1.0); // backoff 1 s minus jitter
  CAF_CHECK_GREATER_OR_EQUAL(secs, 1.5);
}

CAF_TEST(a reply slower than the timeout is retried and a dropped connection too) {
  CAF_REQUIRE(standin.script(R"({"plan": [{"delay": 4, "text": "late"}, {"drop": true},
                                          {"text": "on time"}]})"));
  start(llm_dialect::anthropic);
  auto c = client(llm_dialect::anthropic, 2);
  auto r = c.complete(ask());
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->text, "on time");
  CAF_CHECK_EQUAL(c.usage().requests, 3);
}

CAF_TEST(three overloaded answers in a row fail with the error type) {
  CAF_REQUIRE(standin.script(R"({"plan": [{"status": 529}]})"));
  start(llm_dialect::anthropic);
  auto c = client(llm_dialect::anthropic);
  auto r = c.complete(ask());
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().find("529 overloaded_error: Overloaded") != std::string::npos);
  CAF_CHECK_EQUAL(c.usage().requests, 3);
}

CAF_TEST(the openai dialect goes through its proxy with a bearer key) {
  CAF_REQUIRE(standin.script(R"({"plan": [{"status": 429}, {"text": "chat reply"}]})"));
  start(llm_dialect::openai);
  auto c = client(llm_dialect::openai);
  auto r = c.complete(ask());
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->text, "chat reply");
  CAF_CHECK_EQUAL(header_seen(1, "authorization"), "Bearer " + key);
  CAF_CHECK_EQUAL(c.usage().requests, 2);
}

CAF_TEST(a wrong key is an authentication error and is not retried) {
  CAF_REQUIRE(standin.script(R"({"plan": [{"text": "never"}]})"));
  llm_options o;
  o.dialect = llm_dialect::anthropic;
  o.model = "m";
  o.url = standin.url();
  o.api_key = "sk-wrong";
  llm_client c{o};
  auto r = c.complete(ask());
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().find("401 authentication_error") != std::string::npos);
  CAF_CHECK_EQUAL(c.usage().requests, 1);
}

CAF_TEST(the socket is gone after the proxy stops) {
  start(llm_dialect::anthropic);
  CAF_CHECK(fs::exists(socket));
  caf::scoped_actor self{sys};
  self->send_exit(proxy, caf::exit_reason::user_shutdown);
  self->wait_for(proxy);
  proxy = caf::actor{};
  CAF_CHECK(!fs::exists(socket));
}

CAF_TEST_FIXTURE_SCOPE_END()
