// The head's competition files for workers: a detached actor (hashing and
// reading files blocks) that makes manifests and serves their files in
// chunks of at most chunk_bytes, so no message holds a whole dataset.
#pragma once

#include <string>

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include "cluster/protocol.hpp"

namespace kagent::cluster {

using file_server_actor = caf::typed_actor<
  // (get, data_dir, description) -> the manifest of those files now
  caf::replies_to<get_atom, std::string, std::string>::with<competition_manifest>,
  caf::replies_to<chunk_atom, std::string, int64_t>::with<file_chunk>>;

file_server_actor spawn_file_server(caf::actor_system& sys);

} // namespace kagent::cluster
