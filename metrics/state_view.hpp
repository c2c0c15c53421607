// Figures the actors keep anyway (admission's counts, the progress hub's, the
// node registry's) and the HTTP server's connection counts, copied in when
// /metrics is scraped. Plain data: http/ fills it from the actors' replies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kagent::metrics {

/// Admission's counters and queue.
struct admission_figures {
  int64_t accepted = 0;     ///< jobs accepted since start
  int64_t rejected = 0;     ///< submissions refused with 429 since start
  int64_t queued = 0;
  int64_t running = 0;
  int64_t max_running = 0;  ///< slots of the cluster
};

/// The progress hub's holdings.
struct hub_figures {
  int64_t subscribers = 0;
  int64_t jobs = 0;
};

/// One node of the cluster, as the node registry sees it.
struct node_figures {
  std::string name;
  bool up = false;
  int64_t slots = 0;
  int64_t busy = 0;
  int64_t stages_run = 0;
  int64_t stages_lost = 0;
  int64_t last_heartbeat_s = 0;  ///< seconds since the epoch
};

/// The node registry's totals and nodes.
struct cluster_figures {
  int64_t slots = 0;
  int64_t busy = 0;
  int64_t waiting = 0;
  int64_t lost_nodes = 0;
  std::vector<node_figures> nodes;
};

/// Everything read at scrape time; a part whose actor did not answer is empty.
struct state_view {
  std::optional<admission_figures> admission;
  std::optional<hub_figures> hub;
  std::optional<cluster_figures> cluster;
  int64_t http_in_flight = 0;
  int64_t http_sessions = 0;
  int64_t ws_sessions = 0;
};

} // namespace kagent::metrics
