// The job supervisor: owns the live job actors of this node (admission
// starts no more than the cluster has slots), answers reads of any job from
// actor state first (live, finished here, queued), routes cancels, and
// respawns a job actor that died from its last committed checkpoint.
#pragma once

#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/messages.hpp"
#include "config/options.hpp"
#include "metrics/registry.hpp"
#include "sandbox/identity.hpp"
#include "sources/competition_store.hpp"

namespace kagent {

/// What the supervisor needs to run jobs.
struct supervisor_deps {
  caf::actor stages;                  ///< where stage attempts go: the node registry
  caf::actor persistence;
  caf::actor db_reader;
  pipeline_options pipeline;
  std::string node;
  int max_restarts = 3;               ///< respawns of one job actor before it fails
  caf::actor hub;                     ///< progress hub handed to every job; may be null
  sources::competition_store_actor store;  ///< handed to every job
  sandbox::identity stage_user{};     ///< owns job directories (stages run as it)
  metrics::registry_ptr metrics{};    ///< job series, handed to every job; null: a private one
  size_t finished_cache = 8192;       ///< finished jobs' records kept for status reads
};

/// Spawns the supervisor. The sender of (start_atom, resumable_job) is told
/// (job_done_atom, job_id) when the job ends; (get_atom, id) and
/// (cancel_atom, id) answer a job_record. (get_atom, id) reads any job: a
/// live one from its actor, a finished one from a bounded cache of committed
/// records, a queued one from admission, else the database. (update_atom,
/// job_record) stores a committed change of a finished job. Admission must be
/// set with (caf::actor) before queued jobs can be read or cancelled.
caf::actor spawn_job_supervisor(caf::actor_system& sys, supervisor_deps deps);

} // namespace kagent
