// The key store (issue 9): answers who a request acts for. It holds the live
// API keys (their SHA-256 hashes) in memory, reloads them from the database
// every couple of seconds so `kagentd keys create/revoke` take effect without
// a restart, and keeps the last set through a database outage.
//
//   (authenticate_atom, key_hash) -> principal | error(unauthorized)
//   (stats_atom)                  -> key_store_stats
//
// Keys are required once any live key exists, and always when the server
// listens beyond loopback; without keys every caller is the same anonymous
// principal that sees every job.
#pragma once

#include <chrono>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/messages.hpp"

namespace kagent {

/// How the key store behaves.
struct key_store_options {
  bool always_required = false;              ///< listening beyond loopback
  std::chrono::milliseconds refresh{2000};  ///< reload period
};

/// The principal a key hash stands for, given the live keys; unauthorized
/// when keys are required and the hash is unknown (or empty).
caf::expected<principal> authenticate(const std::vector<api_key_entry>& keys, bool required,
                                      const std::string& key_hash);

/// Spawns the key store with the keys read at start-up.
caf::actor spawn_key_store(caf::actor_system& sys, std::vector<api_key_entry> keys,
                           caf::actor db_reader, key_store_options opts);

} // namespace kagent
