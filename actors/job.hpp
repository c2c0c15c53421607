// The job actor: one per accepted job. Drives analyze -> plan -> generate ->
// train through its launcher, commits each stage's outputs before the next
// starts, retries failed stages with backoff, and ends the job. Never blocks.
#pragma once

#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/messages.hpp"
#include "config/options.hpp"
#include "metrics/registry.hpp"
#include "sandbox/identity.hpp"
#include "sources/competition_store.hpp"

namespace kagent {

/// The actors and settings a job actor works with.
struct job_deps {
  caf::actor launcher;     ///< its sandbox slot
  caf::actor persistence;  ///< durable writes
  caf::actor supervisor;   ///< told (job_done_atom, job_record, committed) at the end
  pipeline_options pipeline;
  std::string node;        ///< name of this node, stored on the job
  caf::actor hub;          ///< progress hub: every event and state change; may be null
  sources::competition_store_actor store;  ///< where the competition's files come from
  sandbox::identity stage_user{}; ///< owns the job directory (stages run as it)
  metrics::registry_ptr metrics{}; ///< where its stages, retries and end are counted
};

/// Spawns a job actor that resumes `job` at its first stage without a
/// checkpoint. Answers (get_atom) and (cancel_atom) with its job_record.
caf::actor spawn_job(caf::actor_system& sys, resumable_job job, job_deps deps);

/// The directory a job works in: <data_dir>/jobs/<id>.
std::string job_dir_of(const pipeline_options& opts, const std::string& job_id);

} // namespace kagent
