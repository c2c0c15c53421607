#include "actors/db_reader.hpp"

#include <optional>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "persistence/job_repository.hpp"
#include "persistence/key_repository.hpp"
#include "persistence/pg_connection.hpp"

namespace kagent {

namespace {

struct reader_state {
  std::string conninfo;
  std::optional<pg::connection> conn;
  bool was_down = false;  ///< logs the outage once, and the recovery
  static inline const char* name = "db_reader";
};

using reader_ptr = caf::stateful_actor<reader_state>*;

caf::error connect(reader_ptr self) {
  return pg::reopen(self->state.conn, self->state.conninfo);
}

// Runs `query` on the reader's connection, reconnecting and retrying once
// when the connection turns out to be lost.
template <class F>
auto with_connection(reader_ptr self, F query) -> decltype(query(*self->state.conn)) {
  auto& st = self->state;
  auto log = get_logger("persistence");
  caf::error err;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!st.conn || !st.conn->ok())
      err = connect(self);
    if (!err) {
      auto res = query(*st.conn);
      if (res || code_of(res.error()) != errc::db_unavailable) {
        if (st.was_down)
          log->info("database reachable again");
        st.was_down = false;
        return res;
      }
      err = res.error();
    }
    st.conn.reset();
  }
  if (!st.was_down)
    log->error("database unreachable error={}", detail_of(err));
  st.was_down = true;
  return make_error(errc::db_unavailable, "Database unavailable");
}

template <class T>
caf::result<T> answer(caf::expected<T> x) {
  if (x)
    return std::move(*x);
  return std::move(x.error());
}

caf::behavior db_reader(reader_ptr self, std::string conninfo) {
  self->state.conninfo = std::move(conninfo);
  return {
    [=](get_atom, const std::string& id) -> caf::result<job_record> {
      return answer(with_connection(self, [&](pg::connection& c) { return pg::get_job(c, id); }));
    },
    [=](list_atom, const std::string& status, int64_t limit) -> caf::result<job_list> {
      return answer(with_connection(
        self, [&](pg::connection& c) { return pg::list_jobs(c, status, limit); }));
    },
    [=](list_atom, const std::string& status, int64_t limit,
        const std::string& owner) -> caf::result<job_list> {
      return answer(with_connection(
        self, [&](pg::connection& c) { return pg::list_jobs(c, status, limit, owner); }));
    },
    [=](keys_atom) -> caf::result<std::vector<api_key_entry>> {
      return answer(with_connection(self, [](pg::connection& c) { return pg::live_keys(c); }));
    },
    [=](idempotency_atom, const std::string& owner,
        const std::string& key) -> caf::result<idempotent_hit> {
      return answer(with_connection(
        self, [&](pg::connection& c) { return pg::find_idempotent(c, owner, key); }));
    },
    [=](events_atom, const std::string& id,
        int64_t since) -> caf::result<std::vector<job_event>> {
      return answer(
        with_connection(self, [&](pg::connection& c) { return pg::get_events(c, id, since); }));
    },
    [=](events_atom, const std::string& id, int64_t since,
        int64_t limit) -> caf::result<std::vector<job_event>> {
      return answer(with_connection(
        self, [&](pg::connection& c) { return pg::get_events(c, id, since, limit); }));
    },
    [=](artifact_atom, const std::string& id,
        const std::string& name) -> caf::result<std::string> {
      return answer(with_connection(
        self, [&](pg::connection& c) { return pg::get_artifact(c, id, name); }));
    },
    [=](checkpoint_atom, const std::string& id) -> caf::result<checkpoints> {
      return answer(
        with_connection(self, [&](pg::connection& c) { return pg::get_checkpoints(c, id); }));
    },
    [=](resume_atom) -> caf::result<resume_plan> {
      return answer(with_connection(self, [](pg::connection& c) { return pg::plan_resume(c); }));
    },
    [=](resume_atom, const resume_range& range) -> caf::result<resume_page> {
      return answer(with_connection(
        self, [&](pg::connection& c) { return pg::load_resume_page(c, range); }));
    },
    [=](ping_atom) -> caf::result<caf::ok_atom> {
      auto res = with_connection(self, [](pg::connection& c) -> caf::expected<caf::ok_atom> {
        if (auto err = pg::ping(c))
          return err;
        return caf::ok_atom::value;
      });
      return answer(std::move(res));
    },
  };
}

} // namespace

caf::actor spawn_db_readers(caf::actor_system& sys, std::string conninfo, int n) {
  auto factory = [&sys, conninfo] { return sys.spawn<caf::detached>(db_reader, conninfo); };
  return caf::actor_pool::make(sys.dummy_execution_unit(), static_cast<size_t>(std::max(n, 1)),
                               factory, caf::actor_pool::round_robin());
}

} // namespace kagent
