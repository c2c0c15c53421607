// What the HTTP layer talks to and the few facts it reports: the handles of
// the backend actors and the node's settings shown in responses.
#pragma once

#include <string>

#include <caf/actor.hpp>

#include "actors/kaggle_submitter.hpp"
#include "metrics/registry.hpp"

namespace kagent::http {

/// The actors the HTTP layer asks (protocol in actors/messages.hpp).
struct backends {
  caf::actor admission;   ///< submit, stats
  caf::actor supervisor;  ///< live jobs: get, cancel
  caf::actor db_reader;   ///< stored jobs, events, files, lists, ping
  caf::actor hub;         ///< progress hub: live event streams
  caf::actor persistence; ///< write backlog figures for /health; may be null
  caf::actor key_store;   ///< who a key stands for; null: no keys (everyone sees all)
  kaggle_submitter_actor kaggle = {};  ///< POST /jobs/{id}/submit; may be null
  caf::actor registry = {};            ///< the node registry: GET /cluster, node gauges; may be null
};

/// Node facts the responses carry.
struct server_info {
  int retry_after_s = 5;     ///< Retry-After of a 429
  std::string sandbox_mode;  ///< shown by /health
  std::string sandbox_limits{}; ///< who stages run as and their bounds (or a warning)
  metrics::registry_ptr metrics{}; ///< what GET /metrics exports; null: a private one
};

} // namespace kagent::http
