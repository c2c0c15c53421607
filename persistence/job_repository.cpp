#include "persistence/job_repository.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/uuid.hpp"
#include "persistence/job_batch.hpp"

namespace kagent::pg {

namespace {

// Timestamps travel as bigint milliseconds; SQL converts exactly both ways.
constexpr const char* ts_in = "(to_timestamp(0) + $%d::bigint * interval '1 millisecond')";

std::string ts(int n) {
  char buf[96];
  std::snprintf(buf, sizeof(buf), ts_in, n);
  return buf;
}

std::string ms(const char* column) {
  return std::string{"coalesce(floor(extract(epoch from "} + column + ") * 1000)::bigint, 0)";
}

const std::string job_columns = "id::text, owner, url, competition, status, stage, attempt, " +
                                ms("created_at") + ", " + ms("started_at") + ", " +
                                ms("completed_at") + ", node, error, metadata::text";

job_record job_at(const result& r, int row) {
  job_record j;
  j.id = r.get(row, 0);
  j.owner = r.get(row, 1);
  j.url = r.get(row, 2);
  j.competition = r.get(row, 3);
  j.status = r.get(row, 4);
  j.stage = r.get(row, 5);
  j.attempt = static_cast<int32_t>(r.get_int(row, 6));
  j.created_at = r.get_int(row, 7);
  j.started_at = r.get_int(row, 8);
  j.completed_at = r.get_int(row, 9);
  j.node = r.get(row, 10);
  j.error = r.get(row, 11);
  j.metadata = r.get(row, 12);
  return j;
}

std::string metadata_of(const job_record& job) {
  return job.metadata.empty() ? "{}" : job.metadata;
}

caf::error unless(caf::expected<result> res) {
  return res ? caf::error{} : res.error();
}

} // namespace

caf::error insert_job(connection& conn, const job_record& job) {
  return insert_jobs(conn, {&job});
}

caf::error update_job(connection& conn, const job_record& job) {
  if (!is_uuid(job.id))
    return make_error(errc::not_found, "Job not found");
  auto res = conn.exec("UPDATE jobs SET status = $2, stage = $3, attempt = $4, started_at = " +
                         ts(5) + ", completed_at = " + ts(6) +
                         ", node = $7, error = $8, metadata = $9::jsonb WHERE id = $1",
                       {text(job.id), text(job.status), text(job.stage), integer(job.attempt),
                        millis(job.started_at), millis(job.completed_at), text(job.node),
                        text(job.error), text(metadata_of(job))});
  if (!res)
    return res.error();
  if (res->affected() == 0)
    return make_error(errc::not_found, "Job not found");
  return caf::none;
}

caf::error save_checkpoint(connection& conn, const std::string& job_id,
                           const std::string& stage, const stage_outputs& outputs,
                           int64_t duration_ms) {
  auto res = conn.exec("INSERT INTO job_stages (job_id, stage, duration_ms, finished_at)"
                       " VALUES ($1, $2, $3, now()) ON CONFLICT (job_id, stage) DO UPDATE"
                       " SET duration_ms = EXCLUDED.duration_ms, finished_at = now()",
                       {text(job_id), text(stage), integer(duration_ms)});
  if (!res)
    return res.error();
  res = conn.exec("DELETE FROM job_stage_files WHERE job_id = $1 AND stage = $2",
                  {text(job_id), text(stage)});
  if (!res)
    return res.error();
  for (auto& [name, content] : outputs) {
    res = conn.exec("INSERT INTO job_stage_files (job_id, stage, name, content)"
                    " VALUES ($1, $2, $3, $4)",
                    {text(job_id), text(stage), text(name), bytes(content)});
    if (!res)
      return res.error();
  }
  return caf::none;
}

caf::error append_events(connection& conn, const std::vector<job_event>& events) {
  for (auto& ev : events) {
    auto res = conn.exec("INSERT INTO job_events (job_id, seq, time, stage, kind, message,"
                         " progress) VALUES ($1, $2, " + ts(3) + ", $4, $5, $6, $7)"
                         " ON CONFLICT (job_id, seq) DO NOTHING",
                         {text(ev.job_id), integer(ev.seq), integer(ev.time), text(ev.stage),
                          text(ev.kind), text(ev.message), real(ev.progress)});
    if (!res)
      return res.error();
  }
  return caf::none;
}

caf::error save_artifact(connection& conn, const std::string& job_id, const std::string& name,
                         const std::string& content) {
  return unless(conn.exec("INSERT INTO artifacts (job_id, name, bytes) VALUES ($1, $2, $3)"
                          " ON CONFLICT (job_id, name) DO UPDATE SET bytes = EXCLUDED.bytes",
                          {text(job_id), text(name), bytes(content)}));
}

caf::expected<job_record> get_job(connection& conn, const std::string& job_id) {
  if (!is_uuid(job_id))
    return make_error(errc::not_found, "Job not found");
  auto res = conn.exec("SELECT " + job_columns + " FROM jobs WHERE id = $1", {text(job_id)});
  if (!res)
    return res.error();
  if (res->rows() == 0)
    return make_error(errc::not_found, "Job not found");
  return job_at(*res, 0);
}

caf::expected<job_list> list_jobs(connection& conn, const std::string& status_filter,
                                  int64_t limit, const std::string& owner) {
  limit = std::max<int64_t>(0, std::min<int64_t>(limit, 10000));
  const char* where = " WHERE ($1 = '' OR status = $1) AND ($3 = '' OR owner = $3)";
  auto count = conn.exec(std::string{"SELECT count(*) FROM jobs"} + where + " AND $2::bigint >= 0",
                         {text(status_filter), integer(limit), text(owner)});
  if (!count)
    return count.error();
  auto res = conn.exec("SELECT " + job_columns + " FROM jobs" + where +
                         " ORDER BY created_at DESC, id DESC LIMIT $2",
                       {text(status_filter), integer(limit), text(owner)});
  if (!res)
    return res.error();
  job_list out;
  out.total = count->get_int(0, 0);
  for (int i = 0; i < res->rows(); ++i)
    out.jobs.push_back(job_at(*res, i));
  return out;
}

caf::expected<std::vector<job_event>> get_events(connection& conn, const std::string& job_id,
                                                 int64_t since_seq, int64_t limit) {
  std::vector<job_event> out;
  if (!is_uuid(job_id))
    return out;
  auto res = conn.exec("SELECT seq, " + ms("time") + ", stage, kind, message, progress"
                       " FROM job_events WHERE job_id = $1 AND seq > $2 ORDER BY seq"
                       " LIMIT CASE WHEN $3::bigint > 0 THEN $3::bigint END",
                       {text(job_id), integer(since_seq), integer(limit)});
  if (!res)
    return res.error();
  for (int i = 0; i < res->rows(); ++i)
    out.push_back(job_event{job_id, res->get_int(i, 0), res->get_int(i, 1), res->get(i, 2),
                            res->get(i, 3), res->get(i, 4), res->get_double(i, 5)});
  return out;
}

caf::expected<std::string> get_artifact(connection& conn, const std::string& job_id,
                                        const std::string& name) {
  if (!is_uuid(job_id))
    return make_error(errc::not_found, "File not found");
  auto res = conn.exec("SELECT bytes FROM artifacts WHERE job_id = $1 AND name = $2",
                       {text(job_id), text(name)});
  if (!res)
    return res.error();
  if (res->rows() == 0)
    return make_error(errc::not_found, "File not found");
  return res->get_bytes(0, 0);
}

caf::expected<checkpoints> get_checkpoints(connection& conn, const std::string& job_id) {
  checkpoints out;
  if (!is_uuid(job_id))
    return out;
  auto res = conn.exec("SELECT s.stage, f.name, f.content FROM job_stages s"
                       " LEFT JOIN job_stage_files f USING (job_id, stage)"
                       " WHERE s.job_id = $1",
                       {text(job_id)});
  if (!res)
    return res.error();
  for (int i = 0; i < res->rows(); ++i) {
    auto& files = out[res->get(i, 0)];  // a stage without files is still done
    if (!res->is_null(i, 1))
      files.emplace(res->get(i, 1), res->get_bytes(i, 2));
  }
  return out;
}

namespace {

// Unfinished = what a restart resumes; jobs_unfinished_idx covers this order.
constexpr const char* unfinished = "status IN ('queued', 'running')";
const std::string created_us = "(extract(epoch from created_at) * 1000000)::bigint";
// (created_at, id) > the key in parameters $us, $id; an empty id is before every row.
std::string after_key(int us, int id) {
  auto n = [](int i) { return "$" + std::to_string(i); };
  return "(" + n(id) + " = '' OR (created_at, id) > (to_timestamp(0) + " + n(us) +
         "::bigint * interval '1 microsecond', nullif(" + n(id) + ", '')::uuid))";
}

std::string uuid_array(const std::vector<resumable_job>& jobs) {
  std::string out = "{";
  for (auto& r : jobs)
    out += (out.size() > 1 ? "," : "") + r.job.id;
  return out + "}";
}

} // namespace

caf::expected<resume_plan> plan_resume(connection& conn) {
  resume_plan plan;
  auto counts = conn.exec(std::string{"SELECT owner, count(*) FROM jobs WHERE "} + unfinished +
                          " GROUP BY owner");
  if (!counts)
    return counts.error();
  for (int i = 0; i < counts->rows(); ++i) {
    plan.by_owner[counts->get(i, 0)] = counts->get_int(i, 1);
    plan.total += counts->get_int(i, 1);
  }
  auto last = conn.exec("SELECT " + created_us + ", id::text FROM jobs WHERE " + unfinished +
                        " ORDER BY created_at DESC, id DESC LIMIT 1");
  if (!last)
    return last.error();
  if (last->rows() > 0)
    plan.last = {last->get_int(0, 0), last->get(0, 1)};
  return plan;
}

caf::expected<resume_page> load_resume_page(connection& conn, const resume_range& range) {
  resume_page page;
  if (range.last.id.empty() || range.limit <= 0)
    return page;
  auto rows = conn.exec("SELECT " + job_columns + ", " + created_us + " FROM jobs WHERE " +
                          unfinished + " AND " + after_key(1, 2) + " AND NOT " + after_key(3, 4) +
                          " ORDER BY created_at, id LIMIT $5",
                        {integer(range.after.created_us), text(range.after.id), integer(range.last.created_us),
                         text(range.last.id), integer(range.limit)});
  if (!rows)
    return rows.error();
  std::map<std::string, size_t> at;
  for (int i = 0; i < rows->rows(); ++i) {
    at[rows->get(i, 0)] = page.jobs.size();
    page.jobs.push_back(resumable_job{job_at(*rows, i), {}, 0});
    page.end = {rows->get_int(i, 13), rows->get(i, 0)};
  }
  if (page.jobs.empty())
    return page;
  auto ids = uuid_array(page.jobs);
  auto seqs = conn.exec("SELECT job_id::text, max(seq) FROM job_events"
                        " WHERE job_id = ANY($1::uuid[]) GROUP BY job_id",
                        {text(ids)});
  if (!seqs)
    return seqs.error();
  for (int i = 0; i < seqs->rows(); ++i)
    page.jobs[at[seqs->get(i, 0)]].last_seq = seqs->get_int(i, 1);
  auto files = conn.exec("SELECT s.job_id::text, s.stage, f.name, f.content FROM job_stages s"
                         " LEFT JOIN job_stage_files f USING (job_id, stage)"
                         " WHERE s.job_id = ANY($1::uuid[])",
                         {text(ids)});
  if (!files)
    return files.error();
  for (int i = 0; i < files->rows(); ++i) {
    auto& stage = page.jobs[at[files->get(i, 0)]].done[files->get(i, 1)];
    if (!files->is_null(i, 2))  // a stage without files is still done
      stage.emplace(files->get(i, 2), files->get_bytes(i, 3));
  }
  return page;
}

caf::error ping(connection& conn) {
  return unless(conn.exec("SELECT 1"));
}

} // namespace kagent::pg
