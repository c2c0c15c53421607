#include "proxy/llm_proxy.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include <caf/all.hpp>

#include "core/error.hpp"
#include "core/log.hpp"
#include "proxy/proxy_connection.hpp"

namespace kagent {

namespace {

using accept_atom = caf::atom_constant<caf::atom("accept")>;

struct listener {
  int fd = -1;
  std::string path;
  std::shared_ptr<proxy::proxy_context> ctx;
};

caf::expected<int> bind_socket(const std::string& path, const sandbox::identity& owner) {
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path))
    return make_error(errc::invalid_input, "LLM proxy socket path longer than "
                                             + std::to_string(sizeof(addr.sun_path) - 1)
                                             + " bytes: " + path + " (use a shorter --data-dir)");
  auto dir = path.substr(0, path.rfind('/'));
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    ::chmod(dir.c_str(), 0700);
  }
  ::unlink(path.c_str()); // a socket left by a crash
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return make_error(errc::internal, std::string{"LLM proxy socket: "} + std::strerror(errno));
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  // Owner-only from the first moment: the socket spends the key's quota.
  auto old = ::umask(0177);
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old);
  // As root the stages run as the stage user, and connecting needs write
  // access to the socket: it becomes theirs, still mode 0600. Its directory
  // stays ours and 0700, so they reach it only through the bind of an LLM stage.
  if (rc == 0 && owner.change && ::chown(path.c_str(), owner.uid, owner.gid) != 0)
    rc = -1;
  if (rc != 0 || ::listen(fd, 64) != 0) {
    auto err = std::string{std::strerror(errno)};
    ::close(fd);
    return make_error(errc::internal, "LLM proxy socket " + path + ": " + err);
  }
  return fd;
}

void connection(caf::event_based_actor* self, int fd, std::shared_ptr<proxy::proxy_context> ctx) {
  proxy::serve_connection(fd, *ctx);
  --ctx->active;
  self->quit();
}

caf::behavior accept_loop(caf::event_based_actor* self, std::shared_ptr<listener> l) {
  self->attach_functor([l] {
    l->ctx->stopping = true;
    ::close(l->fd);
    ::unlink(l->path.c_str());
  });
  self->send(self, accept_atom::value);
  return {
    [=](accept_atom) {
      // Poll briefly so an exit message is handled between rounds; at the
      // connection bound new stages wait in the kernel's backlog.
      if (l->ctx->active < l->ctx->limit) {
        pollfd p{l->fd, POLLIN, 0};
        if (::poll(&p, 1, 200) > 0) {
          int fd = ::accept4(l->fd, nullptr, nullptr, SOCK_CLOEXEC);
          if (fd >= 0) {
            ++l->ctx->active;
            self->system().spawn<caf::detached>(connection, fd, l->ctx);
          }
        }
      } else {
        ::usleep(50 * 1000);
      }
      self->send(self, accept_atom::value);
    },
  };
}

} // namespace

caf::expected<caf::actor> spawn_llm_proxy(caf::actor_system& sys, const llm_proxy_options& opts) {
  auto fd = bind_socket(opts.socket_path, opts.owner);
  if (!fd)
    return fd.error();
  auto l = std::make_shared<listener>();
  l->fd = *fd;
  l->path = opts.socket_path;
  l->ctx = std::make_shared<proxy::proxy_context>();
  auto& c = *l->ctx;
  c.dialect = opts.dialect;
  auto base = opts.url.empty() ? default_llm_url(opts.dialect) : opts.url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  c.upstream_url = base + llm_endpoint_path(opts.dialect);
  c.key = opts.key;
  c.timeout_s = opts.timeout_s;
  c.limit = opts.max_connections;
  get_logger("proxy")->info("llm proxy listening socket={} upstream={} dialect={}",
                            opts.socket_path, c.upstream_url, to_string(opts.dialect));
  return sys.spawn<caf::detached>(accept_loop, l);
}

} // namespace kagent
