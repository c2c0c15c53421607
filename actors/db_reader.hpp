// Database readers (docs/ARCHITECTURE.md, the actors): a pool of detached actors, each with its own
// connection, answering reads for jobs that are not live and for restarts.
//
//   (get_atom, job_id)                     -> job_record | error(not_found)
//   (list_atom, status_filter, int64 limit) -> job_list
//   (list_atom, status_filter, int64 limit, owner) -> job_list of one owner ("" = all)
//   (keys_atom)                            -> std::vector<api_key_entry> (live keys)
//   (idempotency_atom, owner, key)         -> idempotent_hit
//   (events_atom, job_id, int64 since_seq) -> std::vector<job_event>
//   (events_atom, job_id, int64 since_seq, int64 limit) -> at most limit of them
//   (artifact_atom, job_id, name)          -> std::string | error(not_found)
//   (checkpoint_atom, job_id)              -> checkpoints
//   (resume_atom)                          -> resume_plan (what a restart resumes)
//   (resume_atom, resume_range)            -> resume_page (the next page of it)
//   (ping_atom)                            -> ok_atom | error(db_unavailable)
//
// A reader whose connection was lost reconnects and retries once (reads are
// idempotent); when that fails it answers db_unavailable and tries again on
// its next request.
#pragma once

#include <string>

#include <caf/fwd.hpp>

namespace kagent {

/// Spawns `n` readers (at least one) behind a round-robin caf::actor_pool.
caf::actor spawn_db_readers(caf::actor_system& sys, std::string conninfo, int n);

} // namespace kagent
