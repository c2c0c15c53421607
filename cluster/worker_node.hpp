// A node's stage runner (docs/ARCHITECTURE.md, the cluster): the launcher slots of one machine
// behind the worker_actor interface. The head's own node uses it in
// process (shared disk, no files to fetch); a `--role=worker` kagentd uses
// it over the wire. For a remote attempt it fetches the competition files
// it lacks from the head (bounded chunks, cached by hash), lays out a fresh
// job directory from the attempt's inputs, runs the stage on a free slot,
// relays its lines to the head and removes the directory afterwards. When
// its head goes away it kills every stage it runs for it.
#pragma once

#include <cstdint>
#include <string>

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include "actors/launcher.hpp"
#include "cluster/protocol.hpp"

namespace kagent::cluster {

using connected_atom = caf::atom_constant<caf::atom("connected")>;
using disconnected_atom = caf::atom_constant<caf::atom("disconn")>;

/// A worker's own figures, for its /health.
struct worker_status {
  bool connected = false;
  std::string head;
  int32_t slots = 0;
  int32_t busy = 0;
  int64_t cached_bytes = 0;
  int64_t stages_run = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, worker_status& x) {
  return f(caf::meta::type_name("worker_status"), x.connected, x.head, x.slots, x.busy,
           x.cached_bytes, x.stages_run);
}

using worker_node_actor = worker_actor::extend<
  // From its launchers: a line of the attempt a launcher runs.
  caf::reacts_to<stage_event_atom, job_event>,
  // From the head link: whom to report to (and its name, heartbeat period).
  caf::reacts_to<connected_atom, head_actor, std::string, int64_t>,
  // From the head link: the head is gone; kill everything run for it.
  caf::reacts_to<disconnected_atom>,
  // Its own timer: the next heartbeat of link number `epoch`.
  caf::reacts_to<heartbeat_atom, uint64_t>,
  caf::replies_to<stats_atom>::with<worker_status>>;

struct worker_options {
  std::string name;
  int32_t slots = 1;
  std::string version;
  std::string address;         ///< host:port of its /health, told to the head
  std::string data_dir;        ///< <data_dir>/jobs and <data_dir>/cache for remote attempts
  launcher_options launcher;   ///< each slot's
};

/// Spawns the node with its `slots` launchers.
worker_node_actor spawn_worker_node(caf::actor_system& sys, worker_options opts);

/// What the node tells a head when it joins.
node_hello hello_of(const worker_options& opts);

} // namespace kagent::cluster
