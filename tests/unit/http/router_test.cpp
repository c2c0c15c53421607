#define CAF_SUITE http.router
#include "caf/test/dsl.hpp"

#include "http/router.hpp"
#include "http/url.hpp"

using namespace kagent::http;
namespace bhttp = boost::beast::http;

namespace {

constexpr const char* id = "0f8fad5b-d9cb-469f-a165-70867728950e";
constexpr const char* good_url = "https://www.kaggle.com/competitions/titanic";

request make(bhttp::verb v, const std::string& target, const std::string& body = "",
             const std::string& content_type = "application/json") {
  request req{v, target, 11};
  if (!body.empty()) {
    if (!content_type.empty())
      req.set(bhttp::field::content_type, content_type);
    req.body() = body;
  }
  req.prepare_payload();
  return req;
}

route_result go(const request& req, size_t max_body = 1024) {
  return route(req, router_limits{max_body});
}

// The response's status, after checking it is a JSON error with a detail.
unsigned status_of(const route_result& r) {
  if (!r.immediate)
    return 0;
  CAF_CHECK_EQUAL(std::string{(*r.immediate)[bhttp::field::content_type]}, "application/json");
  CAF_CHECK_EQUAL(std::string{(*r.immediate)[bhttp::field::server]}, "kagentd");
  return r.immediate->result_int();
}

std::string body_of(const route_result& r) {
  return r.immediate ? r.immediate->body() : "";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

} // namespace

CAF_TEST(a JSON body with kaggle_url becomes a submit call) {
  auto r = go(make(bhttp::verb::post, "/run", R"({"kaggle_url": " )" + std::string{good_url}
                                                 + R"( "})"));
  CAF_REQUIRE(!r.immediate);
  CAF_CHECK(r.call.kind == api_kind::submit);
  CAF_CHECK_EQUAL(r.call.url, good_url);
}

CAF_TEST(a charset parameter in the content type is accepted) {
  auto r = go(make(bhttp::verb::post, "/run", R"({"kaggle_url":"x"})",
                   "Application/JSON; charset=utf-8"));
  CAF_REQUIRE(!r.immediate);
  CAF_CHECK_EQUAL(r.call.url, "x");
}

CAF_TEST(the url query parameter is percent-decoded) {
  auto req = make(bhttp::verb::post,
                  "/run?url=https%3A%2F%2Fwww.kaggle.com%2Fcompetitions%2Ftitanic");
  req.set(bhttp::field::content_type, "application/json");
  auto r = go(req);
  CAF_REQUIRE(!r.immediate);
  CAF_CHECK_EQUAL(r.call.url, good_url);
}

CAF_TEST(a body-less POST run that a web page could send creates nothing) {
  auto q = "/run?url=https%3A%2F%2Fwww.kaggle.com%2Fcompetitions%2Ftitanic";
  CAF_CHECK_EQUAL(status_of(go(make(bhttp::verb::post, q))), 415u);
  auto plain = make(bhttp::verb::post, q);
  plain.set(bhttp::field::content_type, "text/plain");
  CAF_CHECK_EQUAL(status_of(go(plain)), 415u);
  auto bearer = make(bhttp::verb::post, q);
  bearer.set(bhttp::field::authorization, "Bearer kag_x");
  CAF_CHECK(!go(bearer).immediate);
}

CAF_TEST(the Host header must name this server) {
  router_limits limits;
  limits.allowed_hosts = default_allowed_hosts("127.0.0.1", 8000, {"kagent.internal"});
  auto with_host = [&](const char* host) {
    auto req = make(bhttp::verb::get, "/health");
    if (host)
      req.set(bhttp::field::host, host);
    return route(req, limits);
  };
  CAF_CHECK(!with_host("localhost:8000").immediate);
  CAF_CHECK(!with_host("127.0.0.1:8000").immediate);
  CAF_CHECK(!with_host("[::1]:8000").immediate);
  CAF_CHECK(!with_host("LOCALHOST").immediate);
  CAF_CHECK(!with_host("kagent.internal:8000").immediate);
  CAF_CHECK_EQUAL(status_of(with_host("evil.example:8000")), 421u);
  CAF_CHECK_EQUAL(status_of(with_host("localhost:9999")), 421u);
  CAF_CHECK_EQUAL(status_of(with_host(nullptr)), 400u);
}

CAF_TEST(CORS answers only the configured origin) {
  router_limits limits;
  auto pre = make(bhttp::verb::options, "/run");
  pre.set(bhttp::field::origin, "https://ui.example");
  CAF_CHECK_EQUAL(route(pre, limits).immediate->result_int(), 405u);
  limits.cors_origin = "https://ui.example";
  auto r = route(pre, limits);
  CAF_REQUIRE(r.immediate);
  CAF_CHECK_EQUAL(r.immediate->result_int(), 204u);
  CAF_CHECK_EQUAL(std::string{(*r.immediate)[bhttp::field::access_control_allow_origin]},
                  "https://ui.example");
  CAF_CHECK(websocket_origin_ok("", "localhost:8000", limits));
  CAF_CHECK(websocket_origin_ok("http://localhost:8000", "localhost:8000", limits));
  CAF_CHECK(websocket_origin_ok("https://ui.example", "localhost:8000", limits));
  CAF_CHECK(!websocket_origin_ok("https://evil.example", "localhost:8000", limits));
}

CAF_TEST(an Idempotency-Key and the request hash go with a submit) {
  auto req = make(bhttp::verb::post, "/run", R"({"kaggle_url":"x"})");
  req.set("Idempotency-Key", " k-1 ");
  auto a = go(req);
  CAF_REQUIRE(!a.immediate);
  CAF_CHECK_EQUAL(a.call.idempotency_key, "k-1");
  CAF_CHECK_EQUAL(a.call.request_hash.size(), 64u);
  auto b = go(make(bhttp::verb::post, "/run", R"({"kaggle_url":"y"})"));
  CAF_CHECK_NOT_EQUAL(a.call.request_hash, b.call.request_hash);
}

CAF_TEST(a non Kaggle URL passes through to admission) {
  auto r = go(make(bhttp::verb::post, "/run", R"({"kaggle_url":"https://example.com/../x"})"));
  CAF_REQUIRE(!r.immediate);
  CAF_CHECK_EQUAL(r.call.url, "https://example.com/../x");
}

CAF_TEST(bad bodies of POST run get 422 with a clear detail) {
  auto post = [](const std::string& body) { return go(make(bhttp::verb::post, "/run", body)); };
  auto r = post(R"({"kaggle_url": )");
  CAF_CHECK_EQUAL(status_of(r), 422u);
  CAF_CHECK(contains(body_of(r), "Malformed JSON body"));
  r = post(R"(["https://www.kaggle.com/competitions/titanic"])");
  CAF_CHECK_EQUAL(status_of(r), 422u);
  CAF_CHECK(contains(body_of(r), "must be a JSON object"));
  r = post(R"({"kaggle_url":"x","priority":1})");
  CAF_CHECK_EQUAL(status_of(r), 422u);
  CAF_CHECK(contains(body_of(r), "Unexpected field 'priority'"));
  r = post(R"({"url":"x"})");
  CAF_CHECK_EQUAL(status_of(r), 422u);
  r = post(R"({})");
  CAF_CHECK_EQUAL(status_of(r), 422u);
  CAF_CHECK(contains(body_of(r), "Missing field 'kaggle_url'"));
  r = post(R"({"kaggle_url": 42})");
  CAF_CHECK_EQUAL(status_of(r), 422u);
  CAF_CHECK(contains(body_of(r), "must be a string"));
  r = post(R"({"kaggle_url": null})");
  CAF_CHECK_EQUAL(status_of(r), 422u);
  r = post(R"({"kaggle_url":"a","kaggle_url":"b"})");
  CAF_CHECK_EQUAL(status_of(r), 422u);
  r = post(R"({"kaggle_url":"a"} trailing)");
  CAF_CHECK_EQUAL(status_of(r), 422u);
  r = post("{\"kaggle_url\":\"\xff\xfe\"}");
  CAF_CHECK_EQUAL(status_of(r), 422u);
  // Deep nesting is parsed iteratively: an error, not a stack overflow.
  r = go(make(bhttp::verb::post, "/run", std::string(60000, '[')), 100000);
  CAF_CHECK_EQUAL(status_of(r), 422u);
}

CAF_TEST(time_budget_seconds in the body sets the budget of the job) {
  auto post = [](const std::string& body) { return go(make(bhttp::verb::post, "/run", body)); };
  auto r = post(R"({"kaggle_url":"x","time_budget_seconds":45})");
  CAF_REQUIRE(!r.immediate);
  CAF_CHECK_EQUAL(r.call.time_budget_s, 45);
  r = post(R"({"kaggle_url":"x"})");
  CAF_REQUIRE(!r.immediate);
  CAF_CHECK_EQUAL(r.call.time_budget_s, 0);
  for (auto bad : {R"({"kaggle_url":"x","time_budget_seconds":0})",
                   R"({"kaggle_url":"x","time_budget_seconds":-5})",
                   R"({"kaggle_url":"x","time_budget_seconds":1.5})",
                   R"({"kaggle_url":"x","time_budget_seconds":"60"})",
                   R"({"kaggle_url":"x","time_budget_seconds":99999999999})"}) {
    r = post(bad);
    CAF_CHECK_EQUAL(status_of(r), 422u);
    CAF_CHECK(contains(body_of(r), "'time_budget_seconds' must be a positive integer"));
  }
  r = post(R"({"kaggle_url":"x","time_budget_seconds":5,"time_budget_seconds":6})");
  CAF_CHECK_EQUAL(status_of(r), 422u);
  CAF_CHECK(contains(body_of(r), "'time_budget_seconds' is given more than once"));
}

CAF_TEST(POST run without body or url gets 422) {
  auto r = go(make(bhttp::verb::post, "/run"));
  CAF_CHECK_EQUAL(status_of(r), 422u);
  CAF_CHECK(contains(body_of(r), "kaggle_url"));
}

CAF_TEST(both a body and a url parameter get 422) {
  auto r = go(make(bhttp::verb::post, "/run?url=x", R"({"kaggle_url":"y"})"));
  CAF_CHECK_EQUAL(status_of(r), 422u);
}

CAF_TEST(a body that is not JSON gets 415) {
  CAF_CHECK_EQUAL(status_of(go(make(bhttp::verb::post, "/run", "kaggle_url=x",
                                    "application/x-www-form-urlencoded"))),
                  415u);
  CAF_CHECK_EQUAL(status_of(go(make(bhttp::verb::post, "/run", R"({"kaggle_url":"x"})", ""))),
                  415u);
  CAF_CHECK_EQUAL(status_of(go(make(bhttp::verb::post, "/run", "{}", "application/jsonp"))),
                  415u);
}

CAF_TEST(a body over the limit gets 413) {
  auto body = R"({"kaggle_url":")" + std::string(2000, 'a') + R"("})";
  auto r = go(make(bhttp::verb::post, "/run", body), 1024);
  CAF_CHECK_EQUAL(status_of(r), 413u);
  CAF_CHECK(contains(body_of(r), "1024"));
}

CAF_TEST(a known path with the wrong method gets 405 with Allow) {
  auto check = [](bhttp::verb v, const std::string& target, const char* allow) {
    auto r = go(make(v, target));
    CAF_CHECK_EQUAL(status_of(r), 405u);
    CAF_CHECK_EQUAL(std::string{(*r.immediate)[bhttp::field::allow]}, allow);
  };
  check(bhttp::verb::get, "/run", "POST");
  check(bhttp::verb::post, "/status/" + std::string{id}, "GET");
  check(bhttp::verb::delete_, "/jobs", "GET");
  check(bhttp::verb::get, "/jobs/" + std::string{id}, "DELETE");
  check(bhttp::verb::put, "/health", "GET");
  check(bhttp::verb::post, "/logs/" + std::string{id}, "GET");
  check(bhttp::verb::delete_, "/result/" + std::string{id} + "/submission.csv", "GET");
}

CAF_TEST(job endpoints with a UUID become calls with the lowercase id) {
  std::string upper = "0F8FAD5B-D9CB-469F-A165-70867728950E";
  auto r = go(make(bhttp::verb::get, "/status/" + upper));
  CAF_REQUIRE(!r.immediate);
  CAF_CHECK(r.call.kind == api_kind::status);
  CAF_CHECK_EQUAL(r.call.job_id, id);
  r = go(make(bhttp::verb::get, "/logs/" + std::string{id}));
  CAF_CHECK(!r.immediate && r.call.kind == api_kind::logs);
  r = go(make(bhttp::verb::get, "/result/" + std::string{id} + "/submission.csv"));
  CAF_CHECK(!r.immediate && r.call.kind == api_kind::submission);
  for (std::string file : {"solution.py", "profile.json", "plan.json", "metrics.json",
                           "validation.json"}) {
    r = go(make(bhttp::verb::get, "/result/" + std::string{id} + "/" + file));
    CAF_CHECK(!r.immediate && r.call.kind == api_kind::stage_file);
    CAF_CHECK_EQUAL(r.call.file, file);
  }
  // Only the listed names reach the actors: nothing else of the job directory.
  for (std::string file : {"stdout.log", "solution_template.py", "..", "metrics.json.bak"}) {
    r = go(make(bhttp::verb::get, "/result/" + std::string{id} + "/" + file));
    CAF_REQUIRE(r.immediate);
    CAF_CHECK_EQUAL(r.immediate->result_int(), 404u);
  }
  r = go(make(bhttp::verb::delete_, "/jobs/" + std::string{id}));
  CAF_CHECK(!r.immediate && r.call.kind == api_kind::cancel);
  CAF_CHECK_EQUAL(r.call.job_id, id);
}

CAF_TEST(ids that are not UUIDs get 404 without a call) {
  for (std::string bad : std::vector<std::string>{"/status/not-a-uuid", "/status/%2e%2e", "/status/..",
                          "/logs/%2e%2e%2fetc%2fpasswd", "/status/" + std::string{id} + "x",
                          "/result/..%2F..%2Fetc/submission.csv", "/jobs/%2Fetc%2Fpasswd",
                          "/status/", "/status/0f8fad5b+d9cb+469f+a165+70867728950e"}) {
    auto v = bad.rfind("/jobs", 0) == 0 ? bhttp::verb::delete_ : bhttp::verb::get;
    auto r = go(make(v, bad));
    CAF_CHECK_EQUAL(status_of(r), 404u);
    CAF_CHECK_EQUAL(body_of(r), R"({"detail":"Job not found"})");
  }
}

CAF_TEST(unknown paths and path traversal get 404 Not Found) {
  for (std::string bad : std::vector<std::string>{"/nope", "/status/../health", "/status/a/b", "/result/x",
                          "/result/" + std::string{id} + "/etc%2Fpasswd",
                          "/status/%zz", "*"}) {
    auto r = go(make(bhttp::verb::get, bad));
    CAF_CHECK_EQUAL(status_of(r), 404u);
    CAF_CHECK_EQUAL(body_of(r), R"({"detail":"Not Found"})");
  }
}

CAF_TEST(GET slash serves the dashboard page) {
  auto r = go(make(bhttp::verb::get, "/"));
  CAF_REQUIRE(r.immediate);
  CAF_CHECK_EQUAL(r.immediate->result_int(), 200u);
  CAF_CHECK_EQUAL(std::string{r.immediate->at(bhttp::field::content_type)},
                  "text/html; charset=utf-8");
  CAF_CHECK(!r.immediate->body().empty());
}

CAF_TEST(WebSocket paths take a UUID and a non-negative since) {
  auto r = go(make(bhttp::verb::get, "/ws/jobs/" + std::string{id} + "?since=42"));
  CAF_REQUIRE(!r.immediate);
  CAF_CHECK(r.call.kind == api_kind::ws_job);
  CAF_CHECK_EQUAL(r.call.since, 42);
  CAF_CHECK_EQUAL(status_of(go(make(bhttp::verb::get, "/ws/jobs/nope"))), 404u);
  CAF_CHECK_EQUAL(status_of(go(make(bhttp::verb::get, "/ws/jobs/" + std::string{id} + "?since=-1"))),
                  422u);
  r = go(make(bhttp::verb::get, "/ws/jobs"));
  CAF_REQUIRE(!r.immediate);
  CAF_CHECK(r.call.kind == api_kind::ws_jobs);
  r = go(make(bhttp::verb::get, "/metrics"));
  CAF_REQUIRE(!r.immediate);
  CAF_CHECK(r.call.kind == api_kind::metrics);
}

CAF_TEST(GET jobs defaults to all statuses and 100 jobs) {
  auto r = go(make(bhttp::verb::get, "/jobs"));
  CAF_REQUIRE(!r.immediate);
  CAF_CHECK(r.call.kind == api_kind::list);
  CAF_CHECK_EQUAL(r.call.status_filter, "");
  CAF_CHECK_EQUAL(r.call.limit, 100);
  r = go(make(bhttp::verb::get, "/jobs?status_filter=running&limit=1000"));
  CAF_REQUIRE(!r.immediate);
  CAF_CHECK_EQUAL(r.call.status_filter, "running");
  CAF_CHECK_EQUAL(r.call.limit, 1000);
  r = go(make(bhttp::verb::get, "/jobs?status_filter=&limit=1"));
  CAF_REQUIRE(!r.immediate);
  CAF_CHECK_EQUAL(r.call.status_filter, "");
  CAF_CHECK_EQUAL(r.call.limit, 1);
}

CAF_TEST(GET jobs validates status_filter and limit) {
  auto r = go(make(bhttp::verb::get, "/jobs?status_filter=done"));
  CAF_CHECK_EQUAL(status_of(r), 422u);
  CAF_CHECK(contains(body_of(r), "queued, running, success, failed, timeout, cancelled"));
  for (auto bad : {"0", "1001", "-1", "abc", "5.5", "", "99999", "1e3", "%20"}) {
    r = go(make(bhttp::verb::get, std::string{"/jobs?limit="} + bad));
    CAF_CHECK_EQUAL(status_of(r), 422u);
    CAF_CHECK(contains(body_of(r), "limit must be an integer between 1 and 1000"));
  }
  CAF_CHECK_EQUAL(status_of(go(make(bhttp::verb::get, "/jobs?limit=%zz"))), 422u);
}

CAF_TEST(GET health becomes a health call) {
  auto r = go(make(bhttp::verb::get, "/health"));
  CAF_CHECK(!r.immediate && r.call.kind == api_kind::health);
}

CAF_TEST(percent decoding is strict) {
  CAF_CHECK_EQUAL(*percent_decode("a%2Fb+c", false), "a/b+c");
  CAF_CHECK_EQUAL(*percent_decode("a%2fb+c", true), "a/b c");
  CAF_CHECK(!percent_decode("%", false));
  CAF_CHECK(!percent_decode("%2", false));
  CAF_CHECK(!percent_decode("%g0", false));
  auto t = parse_target("/a%2Fb/c?x=1&y=%41&x=2&flag");
  CAF_CHECK(t.path_ok && t.query_ok);
  CAF_REQUIRE_EQUAL(t.segments.size(), 2u);
  CAF_CHECK_EQUAL(t.segments[0], "a/b");
  CAF_CHECK_EQUAL(t.query["x"], "2");
  CAF_CHECK_EQUAL(t.query["y"], "A");
  CAF_CHECK_EQUAL(t.query.count("flag"), 1u);
}

CAF_TEST(POST jobs id submit takes an optional message and no simple request) {
  auto path = std::string{"/jobs/"} + id + "/submit";
  auto r = go(make(bhttp::verb::post, path, R"({"message": "first try"})"));
  CAF_REQUIRE(!r.immediate);
  CAF_CHECK(r.call.kind == api_kind::kaggle_submit);
  CAF_CHECK_EQUAL(r.call.job_id, id);
  CAF_CHECK_EQUAL(r.call.message, "first try");
  CAF_CHECK_EQUAL(status_of(go(make(bhttp::verb::post, path, R"({"msg": "x"})"))), 422u);
  CAF_CHECK_EQUAL(status_of(go(make(bhttp::verb::post, path, R"({"message": 1})"))), 422u);
  CAF_CHECK_EQUAL(status_of(go(make(bhttp::verb::post, path, "message=x", "text/plain"))), 415u);
  // Body-less: a web page could send it without a preflight, unless a header says ours.
  CAF_CHECK_EQUAL(status_of(go(make(bhttp::verb::post, path))), 415u);
  auto bare = make(bhttp::verb::post, path);
  bare.set(bhttp::field::authorization, "Bearer k");
  CAF_CHECK(!go(bare).immediate);
  bare = make(bhttp::verb::post, path);
  bare.set(bhttp::field::content_type, "application/json");
  CAF_CHECK(!go(bare).immediate);
  CAF_CHECK_EQUAL(status_of(go(make(bhttp::verb::get, path))), 405u);
}

// Request bodies are parsed without recursion: a body of nothing but nested
// brackets, as long as the limit allows, is a 422, not a crash of the stack.
CAF_TEST(deeply nested JSON bodies are refused without recursion) {
  auto limit = router_limits{}.max_body_bytes;
  std::string deep(limit, '[');
  CAF_CHECK_EQUAL(status_of(go(make(bhttp::verb::post, std::string{"/jobs/"} + id + "/submit", deep),
                               limit)),
                  422u);
  CAF_CHECK_EQUAL(status_of(go(make(bhttp::verb::post, "/run", deep), limit)), 422u);
}
