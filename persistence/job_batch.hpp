// New job rows of one group-commit batch as one multi-row INSERT: one round
// trip to PostgreSQL for the whole batch instead of one per row, which is
// what bounds POST /run (docs/BENCHMARKS.md).
#pragma once

#include <string>
#include <vector>

#include <caf/error.hpp>

#include "core/job.hpp"
#include "persistence/pg_connection.hpp"

namespace kagent::pg {

/// Parameters per row of insert_jobs_sql.
constexpr size_t job_insert_params = 13;

/// The most rows one statement takes (PostgreSQL binds at most 65,535 parameters).
constexpr size_t max_job_insert_rows = 65535 / job_insert_params;

/// `INSERT INTO jobs (...) VALUES (...), (...)` with `rows` rows of
/// job_insert_params parameters each; the statement insert_job runs for one.
std::string insert_jobs_sql(size_t rows);

/// The parameters of one row of insert_jobs_sql, in order.
std::vector<param> job_insert_row(const job_record& job);

/// Inserts every job in one statement; fails as a whole (a conflict or a bad
/// value in any row fails them all).
caf::error insert_jobs(connection& conn, const std::vector<const job_record*>& jobs);

} // namespace kagent::pg
