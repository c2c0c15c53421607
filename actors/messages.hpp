// Atoms and payloads of every actor protocol in kagentd. Who sends what:
//
// admission        (submit_atom, submit_request)            -> job_record | error
//                    (rate limits, queued caps and Idempotency-Key per owner)
//                  (job_done_atom, job_id)                  from supervisor
//                  (get_atom, job_id)                       -> job_record of a queued job
//                                                           | error(not_found)
//                  (resume_atom, resume_plan)               at start-up: it then reads
//                                                           the plan's jobs from db_reader
//                                                           in pages, in the background
//                  (stats_atom)                             -> admission_stats
//                  (drain_atom)                             -> ok_atom; rejects new work
//                  (capacity_atom, int64_t slots)           from the node registry: the
//                                                           cluster's slots, its max_running
// job_supervisor   (start_atom, resumable_job)              from admission
//                  (get_atom, job_id)                       -> job_record | error(not_found):
//                                                           live, cached final, queued, database
//                  (cancel_atom, job_id)                    -> job_record | error
//                  (job_done_atom, job_record, committed)   from a job actor, at its end
//                  (update_atom, job_record)                a committed change of a finished job
// job              (get_atom)                               -> job_record
//                  (cancel_atom)                            -> job_record
// node registry    (run_atom, stage_request)                -> stage_result, placed on a
//                  (cancel_atom, job_id)                    node; the stage_ev stream as a launcher's
//                  (cluster/node_registry.hpp has the rest)
// launcher         (run_atom, stage_request)                -> stage_result
//                  streams (stage_event_atom, job_event) to the requester
//                  (cancel_atom, job_id)                    -> kills that job's child
// persistence      (insert_atom, job_record)                -> ok_atom, after commit
//                  (insert_atom, job_record, idem_key, request_hash) -> ok_atom | conflict
//                  (update_atom, job_record)                -> ok_atom, after commit
//                  (checkpoint_atom, job_id, stage, stage_outputs, duration_ms) -> ok_atom
//                  (events_atom, std::vector<job_event>)    -> ok_atom
//                  (artifact_atom, job_id, name, bytes)     -> ok_atom
//                  (stats_atom)                             -> persistence_stats
//                  while the database is away, every write but an insert
//                  waits (bounded) and is answered once it is committed
// db_reader        (get_atom, job_id)                       -> job_record | error(not_found)
//                  (list_atom, status_filter, limit)        -> job_list
//                  (list_atom, status_filter, limit, owner) -> job_list of that owner ("" = all)
//                  (keys_atom)                              -> std::vector<api_key_entry>
//                  (idempotency_atom, owner, key)           -> idempotent_hit
//                  (events_atom, job_id, since_seq)         -> std::vector<job_event>
//                  (events_atom, job_id, since_seq, limit)  -> the first `limit` of them
//                  (artifact_atom, job_id, name)            -> std::string | error(not_found)
//                  (checkpoint_atom, job_id)                -> checkpoints
//                  (resume_atom)                            -> resume_plan
//                  (resume_atom, resume_range)              -> resume_page, oldest first
//                  (ping_atom)                              -> ok_atom | error(db_unavailable)
// progress_hub     (publish_atom, job_event)                from job actors
//                  (publish_atom, job_record)               from job actors, on state changes
//                  (subscribe_atom, job_id, since, actor)   -> hub_replay; then the actor
//                                                           gets (publish_atom, job_event)
//                  (subscribe_atom, actor)                  -> std::vector<job_record>; then
//                                                           (publish_atom, job_record)
//                  (unsubscribe_atom, actor)                drops every subscription
//                  (stats_atom)                             -> hub_stats
// key_store        (authenticate_atom, key_hash)            -> principal | error(unauthorized)
//                  (stats_atom)                             -> key_store_stats
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>

#include "core/api_key.hpp"
#include "core/job.hpp"
#include "core/resume_page.hpp"

namespace kagent {

using get_atom = caf::get_atom;  ///< CAF's own: reads of jobs, files, lists

using submit_atom = caf::atom_constant<caf::atom("submit")>;
using job_done_atom = caf::atom_constant<caf::atom("job_done")>;
using resume_atom = caf::atom_constant<caf::atom("resume")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using drain_atom = caf::atom_constant<caf::atom("drain")>;
using start_atom = caf::atom_constant<caf::atom("start")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using run_atom = caf::atom_constant<caf::atom("run")>;
using stage_event_atom = caf::atom_constant<caf::atom("stage_ev")>;
using insert_atom = caf::atom_constant<caf::atom("insert")>;
using update_atom = caf::atom_constant<caf::atom("update")>;
using checkpoint_atom = caf::atom_constant<caf::atom("checkpt")>;
using events_atom = caf::atom_constant<caf::atom("events")>;
using artifact_atom = caf::atom_constant<caf::atom("artifact")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using child_atom = caf::atom_constant<caf::atom("child")>;
using publish_atom = caf::atom_constant<caf::atom("publish")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using unsubscribe_atom = caf::atom_constant<caf::atom("unsub")>;
using forget_atom = caf::atom_constant<caf::atom("forget")>;
using keys_atom = caf::atom_constant<caf::atom("keys")>;
using idempotency_atom = caf::atom_constant<caf::atom("idem")>;
using authenticate_atom = caf::atom_constant<caf::atom("authn")>;
using capacity_atom = caf::atom_constant<caf::atom("capacity")>;

/// Queue and capacity figures of the admission actor.
struct admission_stats {
  int64_t queued = 0;
  int64_t running = 0;
  int64_t max_queued = 0;
  int64_t max_running = 0;
  int64_t accepted = 0;  ///< since start
  int64_t rejected = 0;  ///< 429s since start
  bool draining = false;
  int64_t resume_loaded = 0;  ///< of the jobs unfinished at start, read into the queue
  int64_t resume_total = 0;   ///< the jobs unfinished at start
  bool resume_done = false;   ///< every page is read
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, admission_stats& x) {
  return f(caf::meta::type_name("admission_stats"), x.queued, x.running,
           x.max_queued, x.max_running, x.accepted, x.rejected, x.draining,
           x.resume_loaded, x.resume_total, x.resume_done);
}

/// A POST /run as admission sees it.
struct submit_request {
  std::string url;
  std::string owner;            ///< the key's name; "" without keys
  bool keyed = false;           ///< per-key limits apply
  int32_t time_budget_s = 0;    ///< 0 = the server's default
  std::string idempotency_key;  ///< empty: none
  std::string request_hash;     ///< SHA-256 of what the request asks for
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, submit_request& x) {
  return f(caf::meta::type_name("submit_request"), x.url, x.owner, x.keyed, x.time_budget_s,
           x.idempotency_key, x.request_hash);
}

/// What the key store reports for /health.
struct key_store_stats {
  int64_t live_keys = 0;
  bool required = false;  ///< every call needs a key
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, key_store_stats& x) {
  return f(caf::meta::type_name("key_store_stats"), x.live_keys, x.required);
}

/// The persistence actor's write backlog, for /health and /metrics.
struct persistence_stats {
  int64_t backlog_writes = 0;  ///< writes waiting for the database
  int64_t backlog_bytes = 0;
  int64_t outage_since = 0;    ///< ms since the epoch; 0 = the database takes writes
  int64_t refused = 0;         ///< writes refused with a full backlog, since start
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, persistence_stats& x) {
  return f(caf::meta::type_name("persistence_stats"), x.backlog_writes, x.backlog_bytes,
           x.outage_since, x.refused);
}

/// One stage attempt for a launcher. Paths in argv may use the placeholders
/// {job}, {competition}, {stage_bin}, {python} and {llm_socket}; the launcher
/// replaces them with the paths its sandbox mode exposes.
struct stage_request {
  std::string job_id;
  std::string stage;
  int32_t attempt = 1;
  std::vector<std::string> argv;
  std::string job_dir;          ///< host path, writable
  std::string competition_dir;  ///< host path of the public files, read-only
  std::string description;      ///< host path of description.md, may be empty
  int64_t timeout_ms = 0;
  std::vector<std::string> outputs;  ///< files read back into the result
  bool llm_access = false;           ///< plan/generate/repair with an LLM: the proxy socket
  stage_outputs inputs;              ///< written into the job directory first: the job's
                                     ///< committed files (its stages may run on other nodes)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stage_request& x) {
  return f(caf::meta::type_name("stage_request"), x.job_id, x.stage, x.attempt,
           x.argv, x.job_dir, x.competition_dir, x.description, x.timeout_ms,
           x.outputs, x.llm_access, x.inputs);
}

/// How a stage attempt ended.
struct stage_result {
  int32_t exit_code = -1;   ///< -1 when killed by a signal
  int32_t signal = 0;
  bool timed_out = false;
  bool cancelled = false;
  int64_t duration_ms = 0;
  stage_outputs outputs;    ///< files from stage_request::outputs that exist
  std::string error;        ///< launcher-side failure (spawn, sandbox), or last stderr line
  bool unsafe_output = false; ///< an output was refused (a link, not a regular file, too big)
  std::string node;         ///< the node it ran on
  int64_t run_us = 0;       ///< the process's own run time, spawn to exit (0: never started)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stage_result& x) {
  return f(caf::meta::type_name("stage_result"), x.exit_code, x.signal,
           x.timed_out, x.cancelled, x.duration_ms, x.outputs, x.error,
           x.unsafe_output, x.node, x.run_us);
}

/// What the progress hub can replay to a new subscriber of one job.
struct hub_replay {
  bool known = false;               ///< the hub has seen events of this job
  int64_t oldest = 0;               ///< lowest seq in the ring, 0 when empty
  std::vector<job_event> events;    ///< ring events with seq > since, in order
  std::string final_status;         ///< the job's terminal status once it ended
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hub_replay& x) {
  return f(caf::meta::type_name("hub_replay"), x.known, x.oldest, x.events,
           x.final_status);
}

/// Figures of the progress hub for /metrics.
struct hub_stats {
  int64_t jobs = 0;         ///< jobs with a ring or subscribers
  int64_t subscribers = 0;  ///< per-job plus global subscriptions
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hub_stats& x) {
  return f(caf::meta::type_name("hub_stats"), x.jobs, x.subscribers);
}

/// Registers every payload type under a fixed name (needed for remoting).
void add_message_types(caf::actor_system_config& cfg);

} // namespace kagent
