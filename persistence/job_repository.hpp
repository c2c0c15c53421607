// Reads and writes of jobs, stage checkpoints, events and artifacts
// (docs/ARCHITECTURE.md, storage) as plain functions on a connection. Writes do not open their
// own transaction: the persistence actor wraps a batch of them in one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "core/job.hpp"
#include "core/resume_page.hpp"
#include "persistence/pg_connection.hpp"

namespace kagent::pg {

/// Inserts a new job row; conflict when the id exists.
caf::error insert_job(connection& conn, const job_record& job);

/// Writes every mutable column of a job row; not_found when it is missing.
caf::error update_job(connection& conn, const job_record& job);

/// Stores (or replaces) the outputs of a finished stage.
caf::error save_checkpoint(connection& conn, const std::string& job_id,
                           const std::string& stage, const stage_outputs& outputs,
                           int64_t duration_ms);

/// Appends events; an event whose (job_id, seq) exists is skipped.
caf::error append_events(connection& conn, const std::vector<job_event>& events);

/// Stores (or replaces) a file of a job, e.g. submission.csv.
caf::error save_artifact(connection& conn, const std::string& job_id,
                         const std::string& name, const std::string& bytes);

/// The job row, or not_found.
caf::expected<job_record> get_job(connection& conn, const std::string& job_id);

/// Newest first, at most `limit`; total counts every job matching the
/// filters. A non-empty `owner` keeps only that owner's jobs.
caf::expected<job_list> list_jobs(connection& conn, const std::string& status_filter,
                                  int64_t limit, const std::string& owner = {});

/// The events of a job with seq > since_seq, in seq order; at most `limit`
/// of them when limit > 0.
caf::expected<std::vector<job_event>> get_events(connection& conn, const std::string& job_id,
                                                 int64_t since_seq, int64_t limit = 0);

/// A stored file of a job, or not_found.
caf::expected<std::string> get_artifact(connection& conn, const std::string& job_id,
                                        const std::string& name);

/// The committed outputs of every finished stage of a job.
caf::expected<checkpoints> get_checkpoints(connection& conn, const std::string& job_id);

/// How many queued or running jobs there are (per owner) and the newest of them.
caf::expected<resume_plan> plan_resume(connection& conn);

/// The next page of queued or running jobs in `range`, oldest first, each
/// with its checkpoints and last event seq (three queries per page).
caf::expected<resume_page> load_resume_page(connection& conn, const resume_range& range);

/// A round trip to the server.
caf::error ping(connection& conn);

} // namespace kagent::pg
