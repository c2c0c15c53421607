#include "cluster/protocol.hpp"

#include <caf/actor_system_config.hpp>

namespace kagent::cluster {

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<node_hello>("kagent::cluster::node_hello");
  cfg.add_message_type<join_ack>("kagent::cluster::join_ack");
  cfg.add_message_type<file_entry>("kagent::cluster::file_entry");
  cfg.add_message_type<competition_manifest>("kagent::cluster::competition_manifest");
  cfg.add_message_type<file_chunk>("kagent::cluster::file_chunk");
  cfg.add_message_type<remote_stage>("kagent::cluster::remote_stage");
  cfg.add_message_type<worker_actor>("kagent::cluster::worker_actor");
}

} // namespace kagent::cluster
