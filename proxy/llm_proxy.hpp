// The LLM proxy: the one network path of the sandboxed stages that call an
// LLM (plan, generate, repair). kagentd listens on a Unix socket that the
// launcher binds into those sandboxes only; every request on it goes to the
// one configured LLM URL, with the API key added here, so no sandbox ever
// holds the key and the train stage has no path out at all (docs/ARCHITECTURE.md, the sandbox).
//
// Runs as a detached actor polling its socket; each connection is served by
// a detached actor of its own (blocking I/O and libcurl), at most
// `max_connections` at a time. Exiting closes and removes the socket and
// abandons calls in flight.
#pragma once

#include <string>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "core/llm_dialect.hpp"
#include "sandbox/identity.hpp"

namespace kagent {

/// What the proxy forwards to and how.
struct llm_proxy_options {
  std::string socket_path;   ///< created (a stale one replaced); owner-only access
  sandbox::identity owner;   ///< the stage user when kagentd is root: it owns the socket,
                             ///< which it reaches only where the launcher binds it
  llm_dialect dialect = llm_dialect::anthropic;
  std::string url;           ///< base URL (the dialect's endpoint path is appended)
  std::string key;           ///< the API key; never logged
  int timeout_s = 300;       ///< per upstream call
  int max_connections = 8;   ///< served at once; more wait in the listen backlog
};

/// Binds the socket and spawns the proxy; fails when the socket cannot be
/// created (path too long, directory not writable).
caf::expected<caf::actor> spawn_llm_proxy(caf::actor_system& sys, const llm_proxy_options& opts);

} // namespace kagent
