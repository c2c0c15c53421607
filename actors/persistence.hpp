// The persistence actor (docs/ARCHITECTURE.md: the actors, storage): every durable write of kagentd goes
// through it (or, for new jobs, through one of its pool's peers). Detached
// (libpq blocks), one connection, group commit: writes
// that arrive together commit in one transaction, in arrival order, and each
// requester hears ok_atom only after the commit.
//
//   (insert_atom, job_record)                                   -> ok_atom
//   (update_atom, job_record)                                   -> ok_atom | not_found
//   (checkpoint_atom, job_id, stage, stage_outputs, int64 ms)   -> ok_atom
//   (events_atom, std::vector<job_event>)                       -> ok_atom
//   (artifact_atom, job_id, name, bytes)                        -> ok_atom
//
// A write that fails on its own (bad data, unknown job) gets its error and is
// left out; the rest of its batch still commits. A lost connection is
// reconnected once and the batch retried; then every write gets db_unavailable.
// On exit the pending batch is flushed first.
#pragma once

#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "metrics/registry.hpp"

namespace kagent {

/// Spawns the persistence actor on its own thread; it connects lazily. Each
/// transaction's size and time go to `metrics` (null: a private registry).
caf::actor spawn_persistence(caf::actor_system& sys, std::string conninfo,
                             metrics::registry_ptr metrics = nullptr);

/// `n` persistence actors behind one handle (`front`, an actor pool). Plain
/// and idempotent inserts are spread over all of them, so that their commits
/// overlap (nothing else of a job is written before its insert commits);
/// every other message goes to the first, which keeps their order, the
/// outage backlog and its stats. `writers`: to wait for on shutdown, since
/// each flushes its batch on exit.
struct persistence_pool {
  caf::actor front;
  std::vector<caf::actor> writers;
};
persistence_pool spawn_persistence_pool(caf::actor_system& sys, std::string conninfo, size_t n,
                                        metrics::registry_ptr metrics = nullptr);

} // namespace kagent
