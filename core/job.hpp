// The job model shared by every folder: statuses, stages, the job row,
// progress events and stage outputs. Plain structs with inspect() so they
// can cross nodes over CAF remoting.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace kagent {

/// Job statuses as the API spells them.
namespace status {
constexpr const char* queued = "queued";
constexpr const char* running = "running";
constexpr const char* success = "success";
constexpr const char* failed = "failed";
constexpr const char* timeout = "timeout";
constexpr const char* cancelled = "cancelled";
} // namespace status

/// All statuses, in lifecycle order.
const std::vector<std::string>& all_statuses();

/// True for success, failed, timeout and cancelled.
bool is_terminal(const std::string& status);

/// The four pipeline stages in order.
const std::vector<std::string>& all_stages();

/// 1-based position of `stage` in the pipeline, 0 when unknown.
int stage_number(const std::string& stage);

/// File name -> content of the small files a stage produced.
using stage_outputs = std::map<std::string, std::string>;

/// Committed outputs of every finished stage of a job, by stage name.
using checkpoints = std::map<std::string, stage_outputs>;

/// One row of the jobs table; also the live view of a job actor.
struct job_record {
  std::string id;           ///< UUID, lowercase
  std::string owner;        ///< API key owner, empty when auth is off
  std::string url;          ///< the competition URL as submitted
  std::string competition;  ///< the slug
  std::string status = status::queued;
  std::string stage;        ///< current or last stage, empty before the first
  int32_t attempt = 0;      ///< attempt number of the current stage, from 1
  int64_t created_at = 0;   ///< milliseconds since the epoch, UTC
  int64_t started_at = 0;   ///< 0 = not yet
  int64_t completed_at = 0; ///< 0 = not yet
  std::string node;         ///< node that runs it
  std::string error;        ///< why it failed, empty otherwise
  std::string metadata;     ///< JSON object (jsonb column)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_record& x) {
  return f(caf::meta::type_name("job_record"), x.id, x.owner, x.url,
           x.competition, x.status, x.stage, x.attempt, x.created_at,
           x.started_at, x.completed_at, x.node, x.error, x.metadata);
}

/// One entry of a job's progress/log stream (table job_events).
struct job_event {
  std::string job_id;
  int64_t seq = 0;      ///< per job, from 1, gapless
  int64_t time = 0;     ///< milliseconds since the epoch
  std::string stage;
  std::string kind;     ///< stage_started, progress, log, stage_finished, status, ...
  std::string message;
  double progress = -1; ///< 0..1 for progress events, -1 otherwise
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_event& x) {
  return f(caf::meta::type_name("job_event"), x.job_id, x.seq, x.time, x.stage,
           x.kind, x.message, x.progress);
}

/// A page of jobs and the number of all jobs matching the filter.
struct job_list {
  int64_t total = 0;
  std::vector<job_record> jobs;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_list& x) {
  return f(caf::meta::type_name("job_list"), x.total, x.jobs);
}

/// A non-terminal job found at start-up, with what it had committed.
struct resumable_job {
  job_record job;
  checkpoints done;
  int64_t last_seq = 0; ///< highest committed event sequence number
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, resumable_job& x) {
  return f(caf::meta::type_name("resumable_job"), x.job, x.done, x.last_seq);
}

} // namespace kagent
