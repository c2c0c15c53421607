#include "actors/admission.hpp"

#include <deque>
#include <unordered_set>

#include <caf/all.hpp>

#include "actors/job_metadata.hpp"
#include "core/clock.hpp"
#include "core/competition_url.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/uuid.hpp"

namespace kagent {

bool can_accept(const admission_counts& c, const admission_options& opts) {
  return c.queued + c.pending < opts.max_queued;
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
  job_record rec;
  rec.id = new_uuid();
  rec.owner = owner;
  rec.url = url;
  rec.competition = slug;
  rec.status = status::queued;
  rec.created_at = now_ms();
  job_metadata meta;
  meta.competition = slug;
  meta.time_budget_s = time_budget_s;
  meta.message = "Queued";
  rec.metadata = render_metadata(meta);
  return rec;
}

namespace {

constexpr auto db_timeout = std::chrono::seconds(30);

struct admission_state {
  admission_options opts;
  caf::actor persistence;
  caf::actor supervisor;
  admission_counts counts;
  std::deque<resumable_job> queue;
  std::unordered_set<std::string> running;
  int64_t accepted = 0;
  int64_t rejected = 0;
  bool draining = false;
  static inline const char* name = "admission";
};

using admission_ptr = caf::stateful_actor<admission_state>*;

void dispatch(admission_ptr self) {
  auto& st = self->state;
  while (can_start(st.counts, st.opts)) {
    auto next = std::move(st.queue.front());
    st.queue.pop_front();
    st.counts.queued = st.queue.size();
    st.running.insert(next.job.id);
    st.counts.running = st.running.size();
    self->send(st.supervisor, start_atom::value, std::move(next));
  }
}

caf::behavior admission(admission_ptr self, admission_options opts,
                        caf::actor persistence, caf::actor supervisor) {
  self->state.opts = opts;
  self->state.persistence = std::move(persistence);
  self->state.supervisor = std::move(supervisor);
  auto log = get_logger("actors");
  return {
    [=](submit_atom, const std::string& url, const std::string& owner,
        int32_t time_budget_s) -> caf::result<job_record> {
      auto& st = self->state;
      if (st.draining)
        return make_error(errc::shutting_down, "server is shutting down");
      auto slug = parse_competition_url(url);
      if (!slug)
        return slug.error();
      if (auto bad = check_time_budget(time_budget_s, st.opts); !bad.empty())
        return make_error(errc::invalid_input, bad);
      if (!can_accept(st.counts, st.opts)) {
        ++st.rejected;
        return make_error(errc::queue_full,
                          "queue is full (" + std::to_string(st.opts.max_queued)
                            + " jobs waiting); retry later");
      }
      auto rec = make_job(url, *slug, owner, time_budget_s);
      ++st.counts.pending;
      auto rp = self->make_response_promise<job_record>();
      // The 201 waits for this commit: a job exists once its row does.
      self->request(st.persistence, db_timeout, insert_atom::value, rec)
        .then(
          [=](caf::ok_atom) mutable {
            auto& st = self->state;
            --st.counts.pending;
            ++st.accepted;
            st.queue.push_back(resumable_job{rec, {}, 0});
            st.counts.queued = st.queue.size();
            log->info("job accepted job_id={} competition={}", rec.id, rec.competition);
            rp.deliver(rec);
            dispatch(self);
          },
          [=](caf::error& err) mutable {
            --self->state.counts.pending;
            log->error("job insert failed job_id={} error={}", rec.id,
                       self->system().render(err));
            if (code_of(err) == errc::internal)
              err = make_error(errc::db_unavailable, "database unavailable");
            rp.deliver(std::move(err));
          });
      return rp;
    },
    [=](job_done_atom, const std::string& job_id) {
      auto& st = self->state;
      st.running.erase(job_id);
      st.counts.running = st.running.size();
      dispatch(self);
    },
    [=](resume_atom, std::vector<resumable_job>& jobs) {
      auto& st = self->state;
      // Resumed jobs are older than anything submitted since start: run them first.
      for (auto i = jobs.rbegin(); i != jobs.rend(); ++i)
        st.queue.push_front(std::move(*i));
      st.counts.queued = st.queue.size();
      log->info("resumed jobs count={}", jobs.size());
      dispatch(self);
    },
    [=](cancel_atom, const std::string& job_id) -> caf::result<job_record> {
      // Only queued jobs are ours to cancel; running ones belong to the supervisor.
      auto& st = self->state;
      for (auto i = st.queue.begin(); i != st.queue.end(); ++i) {
        if (i->job.id != job_id)
          continue;
        auto rec = i->job;
        auto queued = *i;
        st.queue.erase(i);
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
                  st.queue.push_front(queued);
                  st.counts.queued = st.queue.size();
                  dispatch(self);
                  rp.deliver(std::move(err));
                });
        log->info("job cancelled while queued job_id={}", job_id);
        return rp;
      }
      return make_error(errc::not_found, "Job not found");
    },
    [=](stats_atom) {
      auto& st = self->state;
      admission_stats s;
      s.queued = static_cast<int64_t>(st.counts.queued + st.counts.pending);
      s.running = static_cast<int64_t>(st.counts.running);
      s.max_queued = static_cast<int64_t>(st.opts.max_queued);
      s.max_running = static_cast<int64_t>(st.opts.max_running);
      s.accepted = st.accepted;
      s.rejected = st.rejected;
      s.draining = st.draining;
      return s;
    },
    [=](drain_atom) {
      self->state.draining = true;
      return caf::ok_atom::value;
    },
  };
}

} // namespace

caf::actor spawn_admission(caf::actor_system& sys, admission_options opts,
                           caf::actor persistence, caf::actor supervisor) {
  return sys.spawn(admission, opts, std::move(persistence), std::move(supervisor));
}

} // namespace kagent
