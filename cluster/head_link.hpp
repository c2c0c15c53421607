// A worker's connection to its head: connects without blocking, checks the
// head speaks this protocol, joins with the node's hello, watches the head
// (a killed head closes the connection, a frozen one misses the
// middleman's heartbeats) and, when it is gone, tells the node to kill its
// stages and connects again with backoff, for as long as the worker runs.
#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "cluster/worker_node.hpp"

namespace kagent::cluster {

struct link_options {
  std::string host;
  uint16_t port = 4242;     ///< with TLS: the local end of the tls_tunnel
  node_hello hello;
  int64_t min_backoff_ms = 200;
  int64_t max_backoff_ms = 5000;
};

caf::actor spawn_head_link(caf::actor_system& sys, link_options opts, worker_node_actor node);

/// Splits "HOST:PORT" ("[v6]:PORT" too); none when malformed.
std::optional<std::pair<std::string, uint16_t>> parse_host_port(const std::string& s);

} // namespace kagent::cluster
