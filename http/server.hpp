// The HTTP server of kagentd: an io_context with its threads, a listener and
// a bridge actor. It owns sockets and threads only, no application state; all
// answers come from the backend actors (docs/ARCHITECTURE.md: only actors own state).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "config/options.hpp"
#include "http/backends.hpp"

namespace kagent::http {

/// A running HTTP server; stop() or the destructor ends it.
class server {
public:
  /// Binds host:port now (an error if it is taken), spawns the bridge and
  /// starts `opts.threads` I/O threads.
  static caf::expected<std::unique_ptr<server>>
  start(caf::actor_system& sys, const http_options& opts, backends b, server_info info);

  /// The bound port (opts.port may be 0).
  uint16_t port() const;

  /// Closes the acceptor, waits up to `drain` for calls in flight to be
  /// answered, then stops the I/O threads and the bridge. Idempotent.
  void stop(std::chrono::milliseconds drain);

  /// Open connections (for tests and metrics).
  size_t sessions() const;

  /// Calls sent to the actors whose responses are not yet written.
  size_t in_flight() const;

  /// Stops with no drain if stop() was not called.
  ~server();

  struct impl;

private:
  explicit server(std::unique_ptr<impl> p);

  std::unique_ptr<impl> impl_;
};

} // namespace kagent::http
