// JSON views of the job model as the API shows them (docs/API.md): the status
// object, the 201 body of POST /run, job lists, logs and health. Pure; times
// are ISO 8601 UTC, null when unset.
#pragma once

#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "cluster/node_registry.hpp"
#include "core/job.hpp"

namespace kagent::http {

/// The human progress line of a job, e.g. "Training model (stage 4/4)".
std::string progress_line(const job_record& job);

/// The metadata object of a job: its stored metadata (an empty object when
/// empty or not an object) with "progress" added when missing and "stage" and
/// "attempt" taken from the record.
std::string metadata_json(const job_record& job);

/// The status object of GET /status, DELETE /jobs and GET /jobs.
std::string status_json(const job_record& job);

/// The 201 body of POST /run.
std::string created_json(const job_record& job);

/// `{"total", "count", "jobs": [...]}` of GET /jobs; "count" is the number of
/// jobs in this page (the reference API's name), "total" all that match.
std::string list_json(const job_list& list);

/// The log text of a job: one line per event, "No logs available yet" when none.
std::string logs_text(const std::vector<job_event>& events);

/// `{"job_id", "logs"}` of GET /logs.
std::string logs_json(const std::string& job_id, const std::vector<job_event>& events);

/// What GET /health reports.
struct health_view {
  bool database_ok = false;
  std::string database_detail;  ///< why not, when not ok
  bool admission_ok = false;
  admission_stats stats;
  bool persistence_ok = false;  ///< the persistence actor answered
  persistence_stats writes;     ///< its write backlog
  key_store_stats keys;         ///< API keys: how many, required or not
  std::string sandbox_mode;
  std::string sandbox_limits;  ///< "uid ..., cgroup ...", or a WARNING without cgroup
  int64_t now_ms = 0;
};

/// True when the node should be reported healthy (200).
bool is_healthy(const health_view& h);

/// The body of GET /health.
std::string health_json(const health_view& h);

/// The body of GET /cluster.
std::string cluster_json(const cluster::cluster_view& v);

} // namespace kagent::http
