#include "actors/job_supervisor.hpp"

#include <unordered_map>

#include <caf/all.hpp>

#include "actors/job.hpp"
#include "actors/job_cache.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

namespace kagent {

namespace {

constexpr auto read_timeout = std::chrono::seconds(30);

struct live_job {
  caf::actor actor;
  job_record job;      ///< as started, for a respawn
  caf::actor notify;   ///< who gets job_done
  int restarts = 0;
};

struct supervisor_state {
  supervisor_deps deps;
  caf::actor admission;
  std::unordered_map<std::string, live_job> live;
  job_cache finished;  ///< committed final records, for reads after the actor is gone
  static inline const char* name = "job_supervisor";
};

using supervisor_ptr = caf::stateful_actor<supervisor_state>*;

void launch(supervisor_ptr self, resumable_job r, caf::actor notify, int restarts) {
  auto& st = self->state;
  job_deps deps{st.deps.stages, st.deps.persistence, caf::actor{self},
                st.deps.pipeline, st.deps.node, st.deps.hub, st.deps.store,
                st.deps.stage_user, st.deps.metrics};
  auto id = r.job.id;
  auto job = r.job;
  auto a = spawn_job(self->system(), std::move(r), std::move(deps));
  // Monitored, not linked: a crash is seen as a down message with its reason,
  // and the exit handler ends live jobs when the supervisor is told to stop.
  self->monitor(a);
  st.live[id] = live_job{a, std::move(job), std::move(notify), restarts};
}

// A queued job's cancel is counted here once admission took it (a running
// job's by its job actor).
void count_cancel(supervisor_ptr self, const job_record& rec, const char* state) {
  if (rec.status == status::cancelled)
    self->state.deps.metrics->jobs().count_cancel(state);
}

void release(supervisor_ptr self, const std::string& id) {
  auto& st = self->state;
  auto i = st.live.find(id);
  if (i == st.live.end())
    return;
  if (i->second.notify)
    self->send(i->second.notify, job_done_atom::value, id);
  st.live.erase(i);
}

// A job actor died without finishing: reload what it committed and go on.
void respawn(supervisor_ptr self, const std::string& id, const caf::error& reason) {
  auto& st = self->state;
  auto& lj = st.live[id];
  auto log = get_logger("actors");
  if (lj.restarts >= st.deps.max_restarts) {
    log->error("job actor keeps dying job_id={} reason={}", id, self->system().render(reason));
    auto rec = lj.job;
    rec.status = status::failed;
    rec.completed_at = now_ms();
    rec.error = "job actor crashed " + std::to_string(lj.restarts + 1) + " times";
    st.deps.metrics->jobs().count_finished(rec.status);
    st.deps.metrics->jobs().count_failure(metrics::failure_category::crashed);
    self->request(st.deps.persistence, caf::infinite, update_atom::value, rec)
      .then([=](caf::ok_atom) {
              self->state.finished.store(rec);
              release(self, id);
            },
            [=](caf::error&) { release(self, id); });
    return;
  }
  log->warn("job actor died; respawning job_id={} reason={}", id,
            self->system().render(reason));
  auto fail = [=](caf::error& err) {
    log->error("cannot reload job job_id={} error={}", id, self->system().render(err));
    release(self, id);
  };
  auto reader = st.deps.db_reader;
  self->request(reader, read_timeout, get_atom::value, id).then(
    [=](job_record& rec) {
      self->request(reader, read_timeout, checkpoint_atom::value, id).then(
        [=](checkpoints& done) {
          self->request(reader, read_timeout, events_atom::value, id, int64_t{0}).then(
            [=](std::vector<job_event>& evs) {
              resumable_job r{rec, done, evs.empty() ? 0 : evs.back().seq};
              auto& lj = self->state.live[id];
              launch(self, std::move(r), lj.notify, lj.restarts + 1);
            },
            fail);
        },
        fail);
    },
    fail);
}

// A job that is not live: finished here (the cache), queued (admission's
// entry), else the database, whose terminal answer is cached unless a newer
// record was stored meanwhile. Its not_found is the database's.
void read_not_live(supervisor_ptr self, const std::string& id,
                   caf::typed_response_promise<job_record> rp) {
  auto& st = self->state;
  if (auto hit = st.finished.find(id)) {
    rp.deliver(std::move(*hit));
    return;
  }
  auto from_db = [=]() mutable {
    auto gen = self->state.finished.generation();
    self->request(self->state.deps.db_reader, read_timeout, get_atom::value, id)
      .then(
        [=](job_record& rec) mutable {
          if (self->state.live.count(id) == 0)
            self->state.finished.fill(rec, gen);
          rp.deliver(std::move(rec));
        },
        [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  };
  if (!st.admission)
    return from_db();
  self->request(st.admission, read_timeout, get_atom::value, id)
    .then([=](job_record& rec) mutable { rp.deliver(std::move(rec)); },
          [=](caf::error&) mutable { from_db(); });
}

caf::behavior job_supervisor(supervisor_ptr self, supervisor_deps deps) {
  auto& st = self->state;
  st.deps = std::move(deps);
  st.deps.metrics = metrics::or_private(std::move(st.deps.metrics));
  st.finished = job_cache{st.deps.finished_cache};
  self->set_exit_handler([=](caf::exit_msg& msg) {
    // Nothing is linked to the supervisor, so this is a stop order. Job rows
    // stay non-terminal and resume on the next start.
    for (auto& [id, lj] : self->state.live)
      self->send_exit(lj.actor, msg.reason);
    self->quit(msg.reason);
  });
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    for (auto& [id, lj] : st.live) {
      if (lj.actor.address() != msg.source)
        continue;
      auto job_id = id;
      if (msg.reason == caf::exit_reason::normal)
        return release(self, job_id);  // finished; job_done may race, both are fine
      return respawn(self, job_id, msg.reason);
    }
  });
  return {
    [=](caf::actor admission) { self->state.admission = std::move(admission); },
    [=](start_atom, resumable_job& r) {
      auto notify = caf::actor_cast<caf::actor>(self->current_sender());
      launch(self, std::move(r), std::move(notify), 0);
    },
    [=](job_done_atom, const job_record& rec, bool committed) {
      // Cached before the slot is released: a read that misses the live job
      // from now on finds its committed final record.
      if (committed)
        self->state.finished.store(rec);
      release(self, rec.id);
    },
    [=](update_atom, const job_record& rec) {
      // A committed change of a job that is not live (a Kaggle answer).
      self->state.finished.store(rec);
    },
    [=](get_atom, const std::string& id) -> caf::result<job_record> {
      auto& st = self->state;
      auto rp = self->make_response_promise<job_record>();
      auto i = st.live.find(id);
      if (i == st.live.end()) {
        read_not_live(self, id, rp);
        return rp;
      }
      // A job actor that just finished may be gone before its slot is
      // released: then the committed record is read instead.
      self->request(i->second.actor, read_timeout, get_atom::value)
        .then([=](job_record& rec) mutable { rp.deliver(std::move(rec)); },
              [=](caf::error&) mutable { read_not_live(self, id, rp); });
      return rp;
    },
    [=](cancel_atom, const std::string& id) -> caf::result<job_record> {
      auto& st = self->state;
      auto rp = self->make_response_promise<job_record>();
      auto ask_db = [=]() mutable {
        self->request(self->state.deps.db_reader, read_timeout, get_atom::value, id)
          .then(
            [=](job_record& rec) mutable {
              if (rec.status == status::cancelled)
                rp.deliver(rec);  // cancelling twice is fine
              else if (is_terminal(rec.status))
                rp.deliver(make_error(errc::conflict,
                                      "Job already finished with status " + rec.status));
              else
                rp.deliver(make_error(errc::conflict, "job is changing state; retry the cancel"));
            },
            [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      };
      if (auto i = st.live.find(id); i != st.live.end()) {
        self->request(i->second.actor, read_timeout, cancel_atom::value)
          .then([=](job_record& rec) mutable { rp.deliver(std::move(rec)); },
                [=](caf::error&) mutable { ask_db(); });
        return rp;
      }
      if (!st.admission) {
        ask_db();
        return rp;
      }
      self->request(st.admission, read_timeout, cancel_atom::value, id)
        .then([=](job_record& rec) mutable {
                count_cancel(self, rec, "queued");
                rp.deliver(std::move(rec));
              },
              [=](caf::error&) mutable { ask_db(); });
      return rp;
    },
  };
}

} // namespace

caf::actor spawn_job_supervisor(caf::actor_system& sys, supervisor_deps deps) {
  return sys.spawn(job_supervisor, std::move(deps));
}

} // namespace kagent
