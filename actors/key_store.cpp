#include "actors/key_store.hpp"

#include <caf/all.hpp>

#include "core/error.hpp"
#include "core/log.hpp"

namespace kagent {

caf::expected<principal> authenticate(const std::vector<api_key_entry>& keys, bool required,
                                      const std::string& key_hash) {
  if (!required)
    return principal{};
  for (auto& k : keys)
    if (!key_hash.empty() && k.key_hash == key_hash)
      return principal{k.name, k.admin, true};
  return make_error(errc::unauthorized,
                    key_hash.empty() ? "API key required (Authorization: Bearer <key>)"
                                     : "Invalid or revoked API key");
}

namespace {

using tick_atom = caf::atom_constant<caf::atom("keys_tick")>;

struct key_store_state {
  std::vector<api_key_entry> keys;
  caf::actor db_reader;
  key_store_options opts;
  static inline const char* name = "key_store";
};

using key_store_ptr = caf::stateful_actor<key_store_state>*;

bool required(const key_store_state& st) {
  return st.opts.always_required || !st.keys.empty();
}

caf::behavior key_store(key_store_ptr self, std::vector<api_key_entry> keys, caf::actor db_reader,
                        key_store_options opts) {
  auto& st = self->state;
  st.keys = std::move(keys);
  st.db_reader = std::move(db_reader);
  st.opts = opts;
  self->send(self, tick_atom::value);
  return {
    [=](authenticate_atom, const std::string& key_hash) -> caf::result<principal> {
      auto p = authenticate(self->state.keys, required(self->state), key_hash);
      if (!p)
        return p.error();
      return *p;
    },
    [=](stats_atom) {
      auto& st = self->state;
      return key_store_stats{static_cast<int64_t>(st.keys.size()), required(st)};
    },
    [=](tick_atom) {
      auto& st = self->state;
      self->delayed_send(self, st.opts.refresh, tick_atom::value);
      if (!st.db_reader)
        return;
      self->request(st.db_reader, st.opts.refresh, keys_atom::value)
        .then(
          [=](std::vector<api_key_entry>& keys) {
            auto& st = self->state;
            if (keys.size() != st.keys.size())
              get_logger("actors")->info("api keys reloaded live_keys={}", keys.size());
            st.keys = std::move(keys);
          },
          [](caf::error&) {
            // Keep the last set: a database outage must not open the server.
          });
    },
  };
}

} // namespace

caf::actor spawn_key_store(caf::actor_system& sys, std::vector<api_key_entry> keys,
                           caf::actor db_reader, key_store_options opts) {
  return sys.spawn(key_store, std::move(keys), std::move(db_reader), opts);
}

} // namespace kagent
