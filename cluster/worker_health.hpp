// A worker's own HTTP port: GET /health only (a worker has no API). 200
// while it is joined to a head, 503 while it is looking for one, with its
// slots, busy slots and cache size, so orchestrators can restart it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "cluster/worker_node.hpp"
#include "core/result.hpp"

namespace kagent::cluster {

/// The body of a worker's GET /health.
std::string worker_health_json(const std::string& name, const worker_status& s, bool answered);

class worker_health {
public:
  /// Listens on host:port (0: any free port) in a thread of its own.
  static result<std::unique_ptr<worker_health>> start(caf::actor_system& sys,
                                                      const std::string& host, uint16_t port,
                                                      worker_node_actor node,
                                                      std::string name);
  ~worker_health();
  uint16_t port() const;
  void stop();

  struct impl;

private:
  explicit worker_health(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace kagent::cluster
