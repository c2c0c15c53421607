// A real actor system on top of db_fixture, with blocking requests that give
// up after 30 s so a lost reply fails a test instead of hanging it.
#pragma once

#include <chrono>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "pg_fixture.hpp"

namespace kagent::test {

struct actors_fixture : db_fixture {
  caf::actor_system_config cfg;
  std::optional<caf::actor_system> sys;
  std::optional<caf::scoped_actor> self;
  std::vector<caf::actor> spawned;

  actors_fixture() {
    add_error_category(cfg);
    add_message_types(cfg);
    sys.emplace(cfg);
    self.emplace(*sys);
  }

  ~actors_fixture() {
    for (auto& a : spawned)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    spawned.clear();  // ~actor_system waits until no handle keeps an actor alive
    self.reset();
    sys.reset();
  }

  caf::actor keep(caf::actor a) {
    spawned.push_back(a);
    return a;
  }

  /// Sends a request and waits for its one-value reply or error.
  template <class T, class... Ts>
  caf::expected<T> ask(const caf::actor& dest, Ts&&... xs) {
    caf::expected<T> out{make_error(errc::internal, "no reply")};
    (*self)
      ->request(dest, std::chrono::seconds(30), std::forward<Ts>(xs)...)
      .receive([&](T& x) { out = std::move(x); }, [&](caf::error& e) { out = std::move(e); });
    return out;
  }

  /// Ends every server connection to the kagent database except ours.
  void kill_other_backends() {
    auto res = conn->exec("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                          " WHERE datname = 'kagent' AND pid <> pg_backend_pid()");
    CAF_REQUIRE(res);
  }
};

} // namespace kagent::test
