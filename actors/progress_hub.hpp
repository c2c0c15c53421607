// The progress hub (docs/ARCHITECTURE.md, the actors): one per node. Job actors publish every event
// and a snapshot on every state change; the hub keeps a replay ring of recent
// events per job, fans events out to that job's subscribers and snapshots to
// global subscribers (coalescing progress), and forgets a job a while after
// it ended. Protocol in actors/messages.hpp. Subscribers are monitored.
#pragma once

#include <cstddef>
#include <cstdint>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/messages.hpp"

namespace kagent {

/// Limits of the progress hub.
struct progress_hub_options {
  size_t ring_capacity = 1024;        ///< events kept per job for replay
  int64_t linger_ms = 60'000;         ///< a job's ring is kept this long after it ended
  int64_t progress_interval_ms = 250; ///< at most one progress-only snapshot per job per this
};

/// Spawns the hub.
caf::actor spawn_progress_hub(caf::actor_system& sys, progress_hub_options opts = {});

} // namespace kagent
