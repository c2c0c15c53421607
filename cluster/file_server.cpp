#include "cluster/file_server.hpp"

#include <caf/all.hpp>

#include "cluster/manifest.hpp"
#include "core/error.hpp"

namespace kagent::cluster {

namespace {

struct file_server_state {
  manifest_builder files;
  static inline const char* name = "file_server";
};

file_server_actor::behavior_type
file_server(file_server_actor::stateful_pointer<file_server_state> self) {
  return {
    [=](get_atom, const std::string& data_dir,
        const std::string& description) -> caf::result<competition_manifest> {
      auto m = self->state.files.build(data_dir, description);
      if (!m)
        return make_error(errc::internal, m.error());
      return std::move(*m);
    },
    [=](chunk_atom, const std::string& sha, int64_t offset) -> caf::result<file_chunk> {
      auto c = self->state.files.read_chunk(sha, offset);
      if (!c)
        return make_error(errc::not_found, c.error());
      return std::move(*c);
    },
  };
}

} // namespace

file_server_actor spawn_file_server(caf::actor_system& sys) {
  return sys.spawn<caf::detached>(file_server);
}

} // namespace kagent::cluster
