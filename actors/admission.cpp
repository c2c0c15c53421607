#include "actors/admission.hpp"

#include <unordered_map>
#include <unordered_set>

#include <caf/all.hpp>

#include "actors/rate_limit.hpp"
#include "actors/run_queue.hpp"
#include "core/clock.hpp"
#include "core/competition_url.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/uuid.hpp"

namespace kagent {

bool can_accept(const admission_counts& c, const admission_options& opts) {
  return c.queued + c.pending + c.unloaded < opts.max_queued;
}

bool can_start(const admission_counts& c, const admission_options& opts) {
  return c.queued > 0 && c.running < opts.max_running;
}

std::string check_time_budget(int time_budget_s, const admission_options& opts) {
  if (time_budget_s == 0 || (time_budget_s >= min_time_budget_s
                             && time_budget_s <= opts.max_time_budget_s))
    return {};
  return "time_budget_seconds must be between " + std::to_string(min_time_budget_s) + " and "
         + std::to_string(opts.max_time_budget_s) + " (the server's stage timeout allows no more)"
         + ", got " + std::to_string(time_budget_s);
}

job_record make_job(const std::string& url, const std::string& slug,
                    const std::string& owner, int time_budget_s) {
  // The run queue rebuilds queued records the same way, from a compact entry.
  return fresh_queued_record(new_uuid(), owner, url, slug, now_ms(), time_budget_s);
}

namespace {

constexpr auto db_timeout = std::chrono::seconds(30);
constexpr auto resume_retry = std::chrono::seconds(1);  ///< after a failed page read

/// The background read of a restart's unfinished jobs.
struct resume_progress {
  bool active = false;
  resume_range next;             ///< the page to read next
  int64_t total = 0;             ///< unfinished at start
  int64_t loaded = 0;            ///< read so far (also those already ours)
  int64_t started_ms = 0;
  /// Per key, the jobs not read yet: they count against max_queued_per_key.
  std::unordered_map<std::string, size_t> unloaded_by_owner;
};

struct admission_state {
  admission_options opts;
  caf::actor persistence;
  caf::actor supervisor;
  admission_counts counts;
  caf::actor db_reader;                 ///< Idempotency-Key lookups
  /// Run order, indexed by id: status reads and cancels of queued jobs
  /// without a walk of the queue.
  run_queue queue;
  resume_progress resume;
  std::unordered_set<std::string> running;
  std::unordered_map<std::string, size_t> queued_by_owner;  ///< pending + queued, per key
  std::unordered_set<std::string> idem_pending;  ///< owner\nkey of requests in progress
  rate_limit limits;
  int64_t accepted = 0;
  int64_t rejected = 0;
  bool draining = false;
  static inline const char* name = "admission";
};

using admission_ptr = caf::stateful_actor<admission_state>*;

void forget_queued(admission_state& st, const std::string& owner) {
  auto i = st.queued_by_owner.find(owner);
  if (i != st.queued_by_owner.end() && --i->second == 0)
    st.queued_by_owner.erase(i);
}

// While a restart's jobs are still being read, only resumed jobs start: an
// older one not read yet must not be overtaken by a job accepted since.
void dispatch(admission_ptr self) {
  auto& st = self->state;
  while (can_start(st.counts, st.opts) && st.queue.has_next(!st.resume.active)) {
    auto next = st.queue.pop();
    forget_queued(st, next.job.owner);
    st.counts.queued = st.queue.size();
    st.running.insert(next.job.id);
    st.counts.running = st.running.size();
    self->send(st.supervisor, start_atom::value, std::move(next));
  }
}

void read_page(admission_ptr self);

// A page of the restart's jobs, oldest first, queues after the pages before
// it and before every job accepted since. The plan was taken before HTTP
// started, so a page holds no job accepted since unless the clock stepped
// back; even then one queued or running here is not queued twice.
void take_page(admission_ptr self, resume_page& page) {
  auto& st = self->state;
  auto& rs = st.resume;
  auto last = static_cast<int64_t>(page.jobs.size()) < rs.next.limit;
  if (!last) {
    rs.next.after = page.end;
    read_page(self);  // the next page is read while this one is queued
  }
  for (auto& r : page.jobs) {
    ++rs.loaded;
    if (st.counts.unloaded > 0)
      --st.counts.unloaded;
    if (auto i = rs.unloaded_by_owner.find(r.job.owner);
        i != rs.unloaded_by_owner.end() && --i->second == 0)
      rs.unloaded_by_owner.erase(i);
    auto owner = r.job.owner;
    if (st.running.count(r.job.id) == 0 && st.queue.push_resumed(std::move(r)))
      ++st.queued_by_owner[owner];
  }
  st.counts.queued = st.queue.size();
  if (last) {
    // Jobs finished or cancelled through the database meanwhile were never read.
    rs.active = false;
    st.counts.unloaded = 0;
    rs.unloaded_by_owner.clear();
    get_logger("actors")->info("resumed jobs count={} of={} ms={}", rs.loaded, rs.total,
                               now_ms() - rs.started_ms);
  }
  dispatch(self);
}

// A failed read is retried: every unfinished job must be resumed, and new
// jobs wait behind the old ones meanwhile. No timeout: the reader answers or
// fails (db_unavailable), and a slow page on a busy database is still taken.
void read_page(admission_ptr self) {
  auto& st = self->state;
  self->request(st.db_reader, caf::infinite, resume_atom::value, st.resume.next)
    .then([=](resume_page& page) { take_page(self, page); },
          [=](caf::error& err) {
            get_logger("actors")->error("resume page failed, retrying error={}",
                                        self->system().render(err));
            self->delayed_send(self, resume_retry, retry_atom::value);
          });
}

// Accepted: the row (and its Idempotency-Key row) is committed, then the
// job queues. The 201 waits for this commit: a job exists once its row does.
void insert(admission_ptr self, submit_request req, job_record rec,
            caf::typed_response_promise<job_record> rp) {
  auto& st = self->state;
  ++st.counts.pending;
  ++st.queued_by_owner[rec.owner];
  auto log = get_logger("actors");
  auto handle = [=](caf::ok_atom) mutable {
    auto& st = self->state;
    --st.counts.pending;
    ++st.accepted;
    st.idem_pending.erase(req.owner + '\n' + req.idempotency_key);
    st.queue.push_new(resumable_job{rec, {}, 0});
    st.counts.queued = st.queue.size();
    log->info("job accepted job_id={} competition={} owner={}", rec.id, rec.competition,
              rec.owner);
    rp.deliver(rec);
    dispatch(self);
  };
  auto fail = [=](caf::error& err) mutable {
    auto& st = self->state;
    --st.counts.pending;
    forget_queued(st, rec.owner);
    st.idem_pending.erase(req.owner + '\n' + req.idempotency_key);
    log->error("job insert failed job_id={} error={}", rec.id, self->system().render(err));
    if (code_of(err) == errc::conflict && !req.idempotency_key.empty())
      err = make_error(errc::conflict, "Idempotency-Key was used by a concurrent request");
    else if (code_of(err) == errc::internal || code_of(err) == errc::conflict)
      err = make_error(errc::db_unavailable, "database unavailable");
    rp.deliver(std::move(err));
  };
  if (req.idempotency_key.empty())
    self->request(st.persistence, db_timeout, insert_atom::value, rec).then(handle, fail);
  else
    self->request(st.persistence, db_timeout, insert_atom::value, rec, req.idempotency_key,
                  req.request_hash)
      .then(handle, fail);
}

// The per-key bounds, then the node's: rate (429 with the bucket's
// Retry-After), the key's queued jobs, the queue.
void admit(admission_ptr self, submit_request req, std::string slug,
           caf::typed_response_promise<job_record> rp) {
  auto& st = self->state;
  auto refuse = [&](caf::error err) mutable {
    ++st.rejected;
    st.idem_pending.erase(req.owner + '\n' + req.idempotency_key);
    rp.deliver(std::move(err));
  };
  if (req.keyed) {
    if (auto wait = st.limits.take(req.owner, now_ms()); wait > 0)
      return refuse(make_error(errc::rate_limited,
                               "rate limit: " + std::to_string(st.opts.rate_limit_per_min)
                                 + " jobs per minute per API key", wait));
    auto mine = st.queued_by_owner[req.owner];
    if (auto i = st.resume.unloaded_by_owner.find(req.owner);
        i != st.resume.unloaded_by_owner.end())
      mine += i->second;
    if (st.opts.max_queued_per_key > 0 && mine >= st.opts.max_queued_per_key) {
      st.limits.refund(req.owner);
      return refuse(make_error(errc::rate_limited,
                               "this API key has " + std::to_string(mine)
                                 + " jobs waiting (the most it may have); retry later",
                               st.opts.retry_after_s));
    }
  }
  if (!can_accept(st.counts, st.opts)) {
    if (req.keyed)
      st.limits.refund(req.owner);
    return refuse(make_error(errc::queue_full, "queue is full ("
                                                 + std::to_string(st.opts.max_queued)
                                                 + " jobs waiting); retry later"));
  }
  auto rec = make_job(req.url, slug, req.owner, req.time_budget_s);
  insert(self, std::move(req), std::move(rec), rp);
}

// An Idempotency-Key seen before answers with its job (409 when the request
// differs); a new one goes through admit().
caf::result<job_record> submit(admission_ptr self, submit_request req) {
  auto& st = self->state;
  if (st.draining)
    return make_error(errc::shutting_down, "server is shutting down");
  auto slug = parse_competition_url(req.url);
  if (!slug)
    return slug.error();
  if (auto bad = check_time_budget(req.time_budget_s, st.opts); !bad.empty())
    return make_error(errc::invalid_input, bad);
  auto rp = self->make_response_promise<job_record>();
  if (req.idempotency_key.empty()) {
    admit(self, std::move(req), *slug, rp);
    return rp;
  }
  if (!st.db_reader)
    return make_error(errc::internal, "Idempotency-Key needs the database reader");
  auto key = req.owner + '\n' + req.idempotency_key;
  if (!st.idem_pending.insert(key).second)
    return make_error(errc::conflict, "a request with this Idempotency-Key is in progress");
  auto reader = st.db_reader;
  auto gone = [=](caf::error& err) mutable {
    self->state.idem_pending.erase(key);
    rp.deliver(code_of(err) == errc::internal ? make_error(errc::db_unavailable,
                                                           "database unavailable")
                                              : err);
  };
  self->request(reader, db_timeout, idempotency_atom::value, req.owner, req.idempotency_key)
    .then(
      [=](idempotent_hit& hit) mutable {
        if (!hit.found)
          return admit(self, req, *slug, rp);
        self->state.idem_pending.erase(key);
        if (hit.request_hash != req.request_hash) {
          rp.deliver(make_error(errc::conflict, "Idempotency-Key was already used with a "
                                                "different request"));
          return;
        }
        self->request(reader, db_timeout, get_atom::value, hit.job_id)
          .then([=](job_record& rec) mutable { rp.deliver(std::move(rec)); }, gone);
      },
      gone);
  return rp;
}

caf::behavior admission(admission_ptr self, admission_options opts,
                        caf::actor persistence, caf::actor supervisor, caf::actor db_reader) {
  self->state.opts = opts;
  self->state.db_reader = std::move(db_reader);
  self->state.limits = rate_limit{opts.rate_limit_per_min};
  self->state.persistence = std::move(persistence);
  self->state.supervisor = std::move(supervisor);
  auto log = get_logger("actors");
  return {
    [=](submit_atom, const std::string& url, const std::string& owner,
        int32_t time_budget_s) -> caf::result<job_record> {
      return submit(self, submit_request{url, owner, false, time_budget_s, {}, {}});
    },
    [=](submit_atom, submit_request& req) -> caf::result<job_record> {
      return submit(self, std::move(req));
    },
    [=](job_done_atom, const std::string& job_id) {
      auto& st = self->state;
      st.running.erase(job_id);
      st.counts.running = st.running.size();
      dispatch(self);
    },
    [=](resume_atom, const resume_plan& plan) {
      auto& st = self->state;
      if (plan.total == 0 || !st.db_reader)
        return;
      auto& rs = st.resume;
      rs = resume_progress{true, resume_range{{}, plan.last, static_cast<int64_t>(st.opts.resume_page_size)},
                           plan.total, 0, now_ms(), {}};
      for (auto& [owner, n] : plan.by_owner)
        rs.unloaded_by_owner[owner] = static_cast<size_t>(n);
      st.counts.unloaded = static_cast<size_t>(plan.total);
      log->info("resuming jobs total={} page_size={}", plan.total, st.opts.resume_page_size);
      read_page(self);
    },
    [=](retry_atom) { read_page(self); },
    [=](cancel_atom, const std::string& job_id) -> caf::result<job_record> {
      // Only queued jobs are ours to cancel; running ones belong to the supervisor.
      // A job of a restart not read yet is the database's: the supervisor
      // answers "retry the cancel" for it.
      auto& st = self->state;
      if (auto taken = st.queue.take(job_id)) {
        auto rec = taken->job.job;
        auto queued = std::move(*taken);
        forget_queued(st, rec.owner);
        st.counts.queued = st.queue.size();
        rec.status = status::cancelled;
        rec.completed_at = now_ms();
        rec.error = "cancelled while queued";
        auto rp = self->make_response_promise<job_record>();
        // No timeout: persistence holds the write through a database outage.
        // A refused write puts the job back, so it is never lost.
        self->request(st.persistence, caf::infinite, update_atom::value, rec)
          .then([=](caf::ok_atom) mutable { rp.deliver(rec); },
                [=](caf::error& err) mutable {
                  auto& st = self->state;
                  st.queue.put_back(queued.job, queued.resumed);
                  ++st.queued_by_owner[queued.job.job.owner];
                  st.counts.queued = st.queue.size();
                  dispatch(self);
                  rp.deliver(std::move(err));
                });
        log->info("job cancelled while queued job_id={}", job_id);
        return rp;
      }
      return make_error(errc::not_found, "Job not found");
    },
    [=](get_atom, const std::string& job_id) -> caf::result<job_record> {
      // A queued job as committed: its row says queued until a job actor runs it.
      if (auto rec = self->state.queue.find(job_id))
        return std::move(*rec);
      return make_error(errc::not_found, "Job not found");
    },
    [=](stats_atom) {
      auto& st = self->state;
      admission_stats s;
      s.queued = static_cast<int64_t>(st.counts.queued + st.counts.pending + st.counts.unloaded);
      s.running = static_cast<int64_t>(st.counts.running);
      s.max_queued = static_cast<int64_t>(st.opts.max_queued);
      s.max_running = static_cast<int64_t>(st.opts.max_running);
      s.accepted = st.accepted;
      s.rejected = st.rejected;
      s.draining = st.draining;
      s.resume_loaded = st.resume.loaded;
      s.resume_total = st.resume.total;
      s.resume_done = !st.resume.active;
      return s;
    },
    [=](drain_atom) {
      self->state.draining = true;
      return caf::ok_atom::value;
    },
    [=](capacity_atom, int64_t slots) {
      // Nodes joined or were lost: running jobs beyond the new capacity
      // finish where they are; their next stages wait for a slot.
      auto& st = self->state;
      st.opts.max_running = static_cast<size_t>(std::max<int64_t>(slots, 0));
      log->info("capacity slots={}", slots);
      dispatch(self);
    },
  };
}

} // namespace

caf::actor spawn_admission(caf::actor_system& sys, admission_options opts,
                           caf::actor persistence, caf::actor supervisor, caf::actor db_reader) {
  return sys.spawn(admission, opts, std::move(persistence), std::move(supervisor),
                   std::move(db_reader));
}

} // namespace kagent
