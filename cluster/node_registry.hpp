// The head's node registry (docs/ARCHITECTURE.md, the cluster): every node that runs stages, the
// local one included, joins it; job actors send it their stage attempts as
// they would to one launcher, and it places each on the least loaded node
// with a free slot, relays the attempt's events and result, and fails the
// attempts of a node it loses so their jobs retry elsewhere. Capacity
// (the sum of the nodes' slots) goes to admission as nodes come and go.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include "cluster/file_server.hpp"
#include "cluster/protocol.hpp"

namespace kagent::cluster {

/// One node as GET /cluster shows it.
struct node_view {
  std::string name;
  std::string address;      ///< host:port of its /health; "local" for the head's own node
  std::string node_id;      ///< CAF's node id (host hash#pid)
  int32_t slots = 0;
  int32_t busy = 0;
  std::string sandbox;
  std::string version;
  int64_t joined_at = 0;       ///< ms since the epoch
  int64_t last_heartbeat = 0;  ///< ms since the epoch
  int64_t stages_run = 0;      ///< attempts that ended there
  int64_t stages_lost = 0;     ///< attempts failed because the node was lost
  std::string state;           ///< up, lost (died or froze) or left (shut down in order)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_view& x) {
  return f(caf::meta::type_name("node_view"), x.name, x.address, x.node_id, x.slots, x.busy, x.sandbox,
           x.version, x.joined_at, x.last_heartbeat, x.stages_run, x.stages_lost, x.state);
}

/// The registry's figures.
struct cluster_view {
  std::string head;             ///< the head's node name
  std::vector<node_view> nodes; ///< up nodes first, then lost ones
  int64_t slots = 0;            ///< of up nodes
  int64_t busy = 0;
  int64_t waiting = 0;          ///< attempts waiting for a slot
  int64_t lost_nodes = 0;       ///< losses since start
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_view& x) {
  return f(caf::meta::type_name("cluster_view"), x.head, x.nodes, x.slots, x.busy, x.waiting,
           x.lost_nodes);
}

using registry_actor = head_actor::extend<
  // From job actors, as to a launcher: events follow as (stage_event_atom, job_event).
  caf::replies_to<run_atom, stage_request>::with<stage_result>,
  caf::replies_to<cancel_atom, std::string>::with<caf::ok_atom>,
  caf::replies_to<list_atom>::with<cluster_view>,
  // Admission subscribes; it gets (capacity_atom, int64_t) now and on each change.
  caf::reacts_to<capacity_atom, caf::actor>>;

struct registry_options {
  std::string head;          ///< this node's name
  int64_t heartbeat_ms = 1000;
  size_t max_lost_listed = 64;  ///< lost and left nodes kept in the view
};

registry_actor spawn_node_registry(caf::actor_system& sys, registry_options opts,
                                   file_server_actor files);

} // namespace kagent::cluster
