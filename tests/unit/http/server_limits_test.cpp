#define CAF_SUITE http.server_limits
#include "caf/test/dsl.hpp"

#include <future>

#include "server_fixture.hpp"

using namespace kagent;
using namespace kagent::http::test;
using verb = boost::beast::http::verb;
using field = boost::beast::http::field;

namespace {

struct fixture : server_fixture {};

std::string status_path(const char* id) {
  return std::string{"/status/"} + id;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(server_limit_tests, fixture)

CAF_TEST(pipelined requests are answered in request order) {
  start();
  client c{srv->port()};
  c.write(verb::get, status_path(done_id));  // two actor hops
  c.write(verb::get, "/nope");               // answered at once
  c.write(verb::get, status_path(live_id));  // one actor hop
  c.write(verb::get, "/health");
  auto a = c.read();
  auto b = c.read();
  auto d = c.read();
  auto e = c.read();
  CAF_CHECK_EQUAL(a.result_int(), 200u);
  CAF_CHECK(a.body().find(done_id) != std::string::npos);
  CAF_CHECK_EQUAL(b.result_int(), 404u);
  CAF_CHECK_EQUAL(d.result_int(), 200u);
  CAF_CHECK(d.body().find(live_id) != std::string::npos);
  CAF_CHECK_EQUAL(e.result_int(), 200u);
  CAF_CHECK(e.body().find("healthy") != std::string::npos);
}

CAF_TEST(a body over the limit gets 413 and the connection is closed) {
  http_options opts;
  opts.max_body_bytes = 100;
  start(opts);
  client c{srv->port()};
  auto res = c.send(verb::post, "/run",
                    R"({"kaggle_url":")" + std::string(200, 'a') + R"("})");
  CAF_CHECK_EQUAL(res.result_int(), 413u);
  CAF_CHECK(!res.keep_alive());
  CAF_CHECK(c.closed_by_peer());
}

CAF_TEST(a malformed request line gets 400 and the connection is closed) {
  start();
  client c{srv->port()};
  c.write_raw("GET /health HTTP/9.9 nonsense\r\n\r\n");
  auto res = c.read();
  CAF_CHECK_EQUAL(res.result_int(), 400u);
  CAF_CHECK(c.closed_by_peer());
}

CAF_TEST(Connection close from the client is honoured) {
  start();
  client c{srv->port()};
  auto req = client::make(verb::get, "/nope");
  req.keep_alive(false);
  c.write(req);
  auto res = c.read();
  CAF_CHECK_EQUAL(res.result_int(), 404u);
  CAF_CHECK(!res.keep_alive());
  CAF_CHECK(c.closed_by_peer());
}

CAF_TEST(requests beyond max_in_flight get 503 while others wait on actors) {
  http_options opts;
  opts.max_in_flight = 2;
  start(opts, true);
  client a{srv->port()};
  client b{srv->port()};
  a.write(verb::get, status_path(live_id));
  b.write(verb::get, status_path(live_id));
  CAF_REQUIRE(wait_held(2));
  CAF_CHECK_EQUAL(srv->in_flight(), 2u);
  client c{srv->port()};
  auto busy = c.send(verb::get, status_path(live_id));
  CAF_CHECK_EQUAL(busy.result_int(), 503u);
  CAF_CHECK_EQUAL(header(busy, field::retry_after), "1");
  CAF_CHECK(busy.body().find("too many requests in flight") != std::string::npos);
  // Answers that need no actor still flow.
  CAF_CHECK_EQUAL(c.send(verb::get, "/nope").result_int(), 404u);
  caf::anon_send(supervisor, release_atom::value);
  CAF_CHECK_EQUAL(a.read().result_int(), 200u);
  CAF_CHECK_EQUAL(b.read().result_int(), 200u);
  // The slots are free again (the slow supervisor holds the next one).
  c.write(verb::get, status_path(live_id));
  CAF_REQUIRE(wait_held(1));
  caf::anon_send(supervisor, release_atom::value);
  CAF_CHECK_EQUAL(c.read().result_int(), 200u);
}

CAF_TEST(stop drains calls in flight and then refuses connections) {
  start({}, true);
  auto port = srv->port();
  client a{port};
  a.write(verb::get, status_path(live_id));
  CAF_REQUIRE(wait_held(1));
  auto releaser = std::async(std::launch::async, [this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    caf::anon_send(supervisor, release_atom::value);
  });
  srv->stop(std::chrono::seconds(10));
  releaser.get();
  auto res = a.read();
  CAF_CHECK_EQUAL(res.result_int(), 200u);
  CAF_CHECK(!res.keep_alive());
  CAF_CHECK_EQUAL(srv->in_flight(), 0u);
  CAF_CHECK_EQUAL(srv->sessions(), 0u);
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket s{ioc};
  boost::system::error_code ec;
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  CAF_CHECK(ec);
}

CAF_TEST(stop returns at its deadline when an actor never answers) {
  start({}, true);
  client a{srv->port()};
  a.write(verb::get, status_path(live_id));
  CAF_REQUIRE(wait_held(1));
  srv->stop(std::chrono::milliseconds(50));
  CAF_CHECK_EQUAL(srv->sessions(), 0u);
  CAF_CHECK_EQUAL(srv->in_flight(), 0u);
  CAF_CHECK(a.closed_by_peer());
}

CAF_TEST(starting on a port that is taken is an error) {
  start();
  http_options opts;
  opts.port = srv->port();
  auto second = http::server::start(sys, opts, {admission, supervisor, db, caf::actor{}}, {7, "process"});
  CAF_CHECK(!second);
}

CAF_TEST_FIXTURE_SCOPE_END()
