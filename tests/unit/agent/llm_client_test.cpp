#define CAF_SUITE agent.llm_client
#include "caf/test/dsl.hpp"

#include <deque>

#include "agent/llm/llm_client.hpp"
#include "agent/llm/retry_policy.hpp"

using namespace kagent::agent::llm;
using kagent::llm_dialect;

namespace {

using headers = std::map<std::string, std::string>;

const std::string anthropic_ok =
  R"({"id":"msg_01","type":"message","role":"assistant","model":"claude-x","content":)"
  R"([{"type":"text","text":"hello "},{"type":"text","text":"world"}],"stop_reason":"end_turn",)"
  R"("stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":5}})";

const std::string openai_ok =
  R"({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-x","choices":)"
  R"([{"index":0,"message":{"role":"assistant","content":"hi there","refusal":null},)"
  R"("logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":3,)"
  R"("total_tokens":10}})";

http_reply status(long code, const std::string& body, headers h = {}) {
  http_reply r;
  r.status = code;
  r.body = body;
  r.headers = std::move(h);
  return r;
}

http_reply broken(transport_failure f) {
  http_reply r;
  r.failure = f;
  r.error = "simulated";
  return r;
}

// A client whose transport replays `script` and records what it was sent.
struct scripted {
  std::deque<http_reply> script;
  std::vector<http_request> sent;
  std::vector<double> slept;
  llm_client make(llm_dialect d = llm_dialect::anthropic, std::string key = "sk-test") {
    llm_options o;
    o.dialect = d;
    o.model = "m1";
    o.api_key = std::move(key);
    o.url = "http://llm.test";
    return llm_client{o,
                      [this](const http_request& r) {
                        sent.push_back(r);
                        auto next = script.front();
                        if (script.size() > 1)
                          script.pop_front();
                        return next;
                      },
                      [this](double s) { slept.push_back(s); }, [] { return 0.0; }};
  }
};

const std::string rate_limited =
  R"({"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}})";
const std::string overloaded = R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})";

} // namespace

CAF_TEST(an anthropic reply gives its text blocks joined and its token usage) {
  scripted s;
  s.script = {status(200, anthropic_ok)};
  auto c = s.make();
  auto r = c.complete({"plan", "sys", "user", 100});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->text, "hello world");
  CAF_CHECK_EQUAL(r->stop_reason, "end_turn");
  CAF_CHECK_EQUAL(c.usage().input_tokens, 12);
  CAF_CHECK_EQUAL(c.usage().output_tokens, 5);
  CAF_CHECK_EQUAL(s.sent.size(), 1u);
  CAF_CHECK_EQUAL(s.sent[0].url, "http://llm.test/v1/messages");
}

CAF_TEST(an openai reply gives choices 0 message content and prompt and completion tokens) {
  scripted s;
  s.script = {status(200, openai_ok)};
  auto c = s.make(llm_dialect::openai);
  auto r = c.complete({"plan", "sys", "user", 100});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->text, "hi there");
  CAF_CHECK_EQUAL(c.usage().input_tokens, 7);
  CAF_CHECK_EQUAL(c.usage().output_tokens, 3);
  CAF_CHECK_EQUAL(s.sent[0].url, "http://llm.test/chat/completions");
}

CAF_TEST(request bodies follow each dialect: a top-level system or a system message) {
  chat_request req{"write", "be brief", "the task", 321};
  auto a = request_body(llm_dialect::anthropic, "claude-x", req);
  CAF_CHECK(a.find(R"("system":"kagent-task: write\nbe brief")") != std::string::npos);
  CAF_CHECK(a.find(R"("messages":[{"role":"user","content":"the task"}])") != std::string::npos);
  CAF_CHECK(a.find(R"("max_tokens":321)") != std::string::npos);
  auto o = request_body(llm_dialect::openai, "gpt-x", req);
  CAF_CHECK(o.find(R"({"role":"system","content":"kagent-task: write\nbe brief"})")
            != std::string::npos);
  CAF_CHECK(o.find(R"("stream":false)") != std::string::npos);
}

CAF_TEST(headers carry the key only when there is one) {
  auto a = request_headers(llm_dialect::anthropic, "sk-ant");
  CAF_CHECK(std::find(a.begin(), a.end(), "x-api-key: sk-ant") != a.end());
  CAF_CHECK(std::find(a.begin(), a.end(), "anthropic-version: 2023-06-01") != a.end());
  auto o = request_headers(llm_dialect::openai, "sk-oai");
  CAF_CHECK(std::find(o.begin(), o.end(), "Authorization: Bearer sk-oai") != o.end());
  for (auto& h : request_headers(llm_dialect::anthropic, ""))
    CAF_CHECK(h.find("x-api-key") == std::string::npos);
  for (auto& h : request_headers(llm_dialect::openai, ""))
    CAF_CHECK(h.find("Authorization") == std::string::npos);
}

CAF_TEST(a 429 with retry-after is retried after exactly that wait) {
  scripted s;
  s.script = {status(429, rate_limited, {{"retry-after", "3"}}), status(200, anthropic_ok)};
  auto c = s.make();
  auto r = c.complete({"plan", "s", "u", 10});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(s.sent.size(), 2u);
  CAF_REQUIRE_EQUAL(s.slept.size(), 1u);
  CAF_CHECK_EQUAL(s.slept[0], 3.0);
  CAF_CHECK_EQUAL(c.usage().requests, 2);
}

CAF_TEST(a 529 overloaded is retried twice with exponential backoff then fails with its type) {
  scripted s;
  s.script = {status(529, overloaded)};
  auto c = s.make();
  auto r = c.complete({"plan", "s", "u", 10});
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(s.sent.size(), 3u); // the first attempt and two retries
  CAF_REQUIRE_EQUAL(s.slept.size(), 2u);
  CAF_CHECK_EQUAL(s.slept[0], 0.5);
  CAF_CHECK_EQUAL(s.slept[1], 1.0);
  CAF_CHECK(r.error().find("529 overloaded_error: Overloaded") != std::string::npos);
  CAF_CHECK(r.error().find("after 3 attempts") != std::string::npos);
}

CAF_TEST(timeouts and connection failures are retried) {
  scripted s;
  s.script = {broken(transport_failure::timeout), broken(transport_failure::connect),
              status(200, anthropic_ok)};
  auto c = s.make();
  CAF_CHECK(c.complete({"plan", "s", "u", 10}));
  CAF_CHECK_EQUAL(s.sent.size(), 3u);
}

CAF_TEST(client errors are not retried) {
  for (long code : {400L, 401L, 403L, 404L, 413L}) {
    scripted s;
    s.script = {status(code, R"({"type":"error","error":{"type":"invalid_request_error","message":"bad"}})")};
    auto c = s.make();
    auto r = c.complete({"plan", "s", "u", 10});
    CAF_CHECK(!r);
    CAF_CHECK_EQUAL(s.sent.size(), 1u);
    CAF_CHECK(r.error().find("invalid_request_error: bad") != std::string::npos);
  }
}

CAF_TEST(408 409 and 5xx are retried and x-should-retry overrides the status) {
  auto reply = [](long code, headers h = {}) { return status(code, "{}", std::move(h)); };
  CAF_CHECK(should_retry(reply(408)));
  CAF_CHECK(should_retry(reply(409)));
  CAF_CHECK(should_retry(reply(429)));
  CAF_CHECK(should_retry(reply(500)));
  CAF_CHECK(should_retry(reply(503)));
  CAF_CHECK(should_retry(reply(529)));
  CAF_CHECK(!should_retry(reply(400)));
  CAF_CHECK(!should_retry(reply(401)));
  CAF_CHECK(!should_retry(reply(529, {{"x-should-retry", "false"}})));
  CAF_CHECK(should_retry(reply(400, {{"x-should-retry", "true"}})));
  CAF_CHECK(!should_retry(broken(transport_failure::other)));
}

CAF_TEST(retry-after is honoured up to 60 s and ignored beyond) {
  CAF_CHECK_EQUAL(retry_delay_s(0, {{"retry-after", "60"}}, 0.0, 0), 60.0);
  CAF_CHECK_EQUAL(retry_delay_s(0, {{"retry-after", "1.5"}}, 0.0, 0), 1.5);
  // 120 s is not reasonable: the backoff applies instead.
  CAF_CHECK_EQUAL(retry_delay_s(0, {{"retry-after", "120"}}, 0.0, 0), 0.5);
  CAF_CHECK_EQUAL(retry_delay_s(1, {{"retry-after", "0"}}, 0.0, 0), 1.0);
  CAF_CHECK_EQUAL(retry_delay_s(0, {{"retry-after-ms", "250"}, {"retry-after", "9"}}, 0.0, 0),
                  0.25);
}

CAF_TEST(retry-after may be an HTTP date) {
  // Wed, 21 Oct 2015 07:28:00 GMT is 1445412480.
  headers h{{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}};
  auto s = retry_after_s(h, 1445412480 - 7);
  CAF_REQUIRE(s);
  CAF_CHECK_EQUAL(*s, 7.0);
  CAF_CHECK_EQUAL(retry_delay_s(0, h, 0.0, 1445412480 - 7), 7.0);
  CAF_CHECK(!retry_after_s({{"retry-after", "soon"}}, 0));
}

CAF_TEST(backoff doubles from half a second up to 8 s and jitter shortens it by up to a quarter) {
  CAF_CHECK_EQUAL(retry_delay_s(0, {}, 0.0, 0), 0.5);
  CAF_CHECK_EQUAL(retry_delay_s(1, {}, 0.0, 0), 1.0);
  CAF_CHECK_EQUAL(retry_delay_s(2, {}, 0.0, 0), 2.0);
  CAF_CHECK_EQUAL(retry_delay_s(5, {}, 0.0, 0), 8.0);
  CAF_CHECK_EQUAL(retry_delay_s(9, {}, 0.0, 0), 8.0);
  CAF_CHECK_EQUAL(retry_delay_s(2, {}, 1.0, 0), 1.5);
  double mid = retry_delay_s(2, {}, 0.5, 0);
  CAF_CHECK(mid > 1.5 && mid < 2.0);
}

CAF_TEST(a reply without text or of the wrong shape is a failure not a retry) {
  scripted s;
  s.script = {status(200, R"({"type":"message","content":[]})")};
  auto c = s.make();
  auto r = c.complete({"plan", "s", "u", 10});
  CAF_CHECK(!r);
  CAF_CHECK_EQUAL(s.sent.size(), 1u);
  CAF_CHECK(!parse_reply(llm_dialect::openai, R"({"choices":[]})"));
  CAF_CHECK(!parse_reply(llm_dialect::anthropic, "not json"));
}

CAF_TEST(openai error objects name their type and code) {
  auto e = describe_error(llm_dialect::openai, 429,
    R"({"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}})");
  CAF_CHECK_EQUAL(e, "429 requests/rate_limit_exceeded: Rate limit reached for requests");
  CAF_CHECK_EQUAL(describe_error(llm_dialect::anthropic, 502, "<html>bad gateway</html>"),
                  "502: <html>bad gateway</html>");
}

CAF_TEST(header lines are split into lower-case names and trimmed values) {
  std::string n, v;
  CAF_CHECK(parse_header_line("Retry-After: 7\r\n", n, v));
  CAF_CHECK_EQUAL(n, "retry-after");
  CAF_CHECK_EQUAL(v, "7");
  CAF_CHECK(!parse_header_line("HTTP/1.1 429 Too Many Requests\r\n", n, v));
  CAF_CHECK(!parse_header_line("\r\n", n, v));
}
