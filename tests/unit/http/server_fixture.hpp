// A real kagent::http::server on an ephemeral port over fake backends, in a
// real actor system (not the deterministic one: sockets need real threads).
#pragma once

#include <thread>

#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>

#include "fake_backends.hpp"
#include "http/server.hpp"
#include "test_client.hpp"

namespace kagent::http::test {

struct server_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::shared_ptr<fake_state> st = std::make_shared<fake_state>();
  caf::actor admission = spawn_fake_admission(sys);
  caf::actor supervisor;
  caf::actor db = spawn_fake_db_reader(sys, st);
  std::unique_ptr<server> srv;

  /// Starts a server; `slow` uses the supervisor that holds its answers.
  void start(http_options opts = {}, bool slow = false) {
    supervisor = slow ? spawn_slow_supervisor(sys, st) : spawn_fake_supervisor(sys, st);
    opts.port = 0;
    auto s = server::start(sys, opts, {admission, supervisor, db, caf::actor{}}, {7, "process"});
    CAF_REQUIRE(s);
    srv = std::move(*s);
    CAF_REQUIRE(srv->port() != 0);
  }

  /// Waits (bounded) until the slow supervisor holds `n` requests.
  bool wait_held(int n) {
    for (int i = 0; i < 2000 && st->held.load() < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return st->held.load() == n;
  }

  ~server_fixture() {
    if (srv)
      srv->stop(std::chrono::milliseconds(0));
    for (auto& a : {admission, supervisor, db})
      if (a)
        caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
};

/// A response header as a string.
inline std::string header(const client_response& res, bhttp::field f) {
  return std::string{res[f]};
}

} // namespace kagent::http::test
