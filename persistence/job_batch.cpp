#include "persistence/job_batch.hpp"

#include "core/clock.hpp"
#include "core/error.hpp"

namespace kagent::pg {

namespace {

// Timestamps travel as bigint milliseconds (as in job_repository.cpp).
void append_ts(std::string& sql, size_t n) {
  sql += "(to_timestamp(0) + $" + std::to_string(n) + "::bigint * interval '1 millisecond')";
}

} // namespace

std::string insert_jobs_sql(size_t rows) {
  std::string sql = "INSERT INTO jobs (id, owner, url, competition, status, stage, attempt,"
                    " created_at, started_at, completed_at, node, error, metadata) VALUES ";
  sql.reserve(sql.size() + rows * 260);
  for (size_t r = 0; r < rows; ++r) {
    auto p = [&](size_t i) { return "$" + std::to_string(r * job_insert_params + i); };
    if (r > 0)
      sql += ", ";
    sql += "(" + p(1) + ", " + p(2) + ", " + p(3) + ", " + p(4) + ", " + p(5) + ", " + p(6)
           + ", " + p(7) + ", ";
    for (size_t i = 8; i <= 10; ++i) {
      append_ts(sql, r * job_insert_params + i);
      sql += ", ";
    }
    sql += p(11) + ", " + p(12) + ", " + p(13) + "::jsonb)";
  }
  return sql;
}

std::vector<param> job_insert_row(const job_record& job) {
  auto created = job.created_at != 0 ? job.created_at : now_ms();
  return {text(job.id),         text(job.owner),  text(job.url),
          text(job.competition), text(job.status), text(job.stage),
          integer(job.attempt),  integer(created), millis(job.started_at),
          millis(job.completed_at), text(job.node), text(job.error),
          text(job.metadata.empty() ? "{}" : job.metadata)};
}

caf::error insert_jobs(connection& conn, const std::vector<const job_record*>& jobs) {
  if (jobs.empty())
    return caf::none;
  if (jobs.size() > max_job_insert_rows)
    return make_error(errc::internal, "too many rows for one INSERT");
  std::vector<param> params;
  params.reserve(jobs.size() * job_insert_params);
  for (auto* job : jobs)
    for (auto& p : job_insert_row(*job))
      params.push_back(std::move(p));
  auto res = conn.exec(insert_jobs_sql(jobs.size()), params);
  return res ? caf::error{} : res.error();
}

} // namespace kagent::pg
