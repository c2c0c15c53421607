#include "actors/job.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <sys/stat.h>

#include <caf/all.hpp>
#include <rapidjson/document.h>

#include "actors/job_logic.hpp"
#include "actors/log_cap.hpp"
#include "actors/job_metadata.hpp"
#include "actors/repair_logic.hpp"
#include "actors/stage_timing.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "sandbox/job_dir.hpp"
#include "sources/user_messages.hpp"

namespace kagent {

std::string job_dir_of(const pipeline_options& opts, const std::string& job_id) {
  return opts.data_dir + "/jobs/" + job_id;
}

namespace {

constexpr auto db_timeout = std::chrono::seconds(60);
// The store bounds every fetch (--download-timeout, at most 23 h) and always
// answers; this only guards against a store that is gone.
constexpr auto fetch_guard = std::chrono::seconds(24 * 3600);

struct job_state {
  job_deps deps;
  job_record rec;
  checkpoints done;
  job_metadata meta;
  int64_t seq = 0;
  std::string dir;              ///< absolute job directory
  sources::competition_files src;
  log_cap cap;                  ///< bounds the stage output stored per step
  std::string stage;            ///< stage being run
  size_t step = 0;              ///< index into steps_for(stage)
  stage_outputs outputs;        ///< collected from this stage's steps so far
  train_action action;          ///< what this run of the train stage does (repair loop)
  output_tail tail;             ///< end of the train step's output, for a repair
  int64_t stage_started = 0;
  stage_timing timing;          ///< the attempt's orchestration overhead (issue 13)
  bool step_running = false;
  bool cancel_requested = false;
  bool finished = false;
  bool new_job = false;         ///< never started before: its first stage ends the queue wait
  metrics::failure_category failure = metrics::failure_category::other;  ///< if it fails
  std::vector<caf::response_promise> waiting;  ///< cancel requests
  static inline const char* name = "job";
};

using job_ptr = caf::stateful_actor<job_state>*;

double seconds_between(int64_t from_ms, int64_t to_ms) {
  return static_cast<double>(std::max<int64_t>(0, to_ms - from_ms)) / 1000.0;
}

const char* outcome_of(failure_action a) {
  switch (a) {
    case failure_action::retry: return metrics::outcome::retry;
    case failure_action::time_out: return metrics::outcome::timeout;
    case failure_action::cancel: return metrics::outcome::cancelled;
    case failure_action::fail: break;
  }
  return metrics::outcome::failed;
}

void run_step(job_ptr self);
void on_competition(job_ptr self, sources::competition_files files);
void finish(job_ptr self, const std::string& status, const std::string& error);
void store_final(job_ptr self, int attempt);

job_record snapshot(job_ptr self) {
  auto rec = self->state.rec;
  rec.metadata = render_metadata(self->state.meta);
  return rec;
}

// Tells the progress hub the job's current state (a no-op without a hub).
void publish(job_ptr self) {
  if (self->state.deps.hub)
    self->send(self->state.deps.hub, publish_atom::value, snapshot(self));
}

void emit(job_ptr self, const std::string& kind, const std::string& message,
          double progress = -1, int64_t time = 0) {
  auto& st = self->state;
  job_event ev{st.rec.id, ++st.seq, time != 0 ? time : now_ms(), st.stage, kind, message,
               progress};
  if (st.deps.hub)
    self->send(st.deps.hub, publish_atom::value, ev);
  self->request(st.deps.persistence, db_timeout, events_atom::value,
                std::vector<job_event>{std::move(ev)})
    .then([](caf::ok_atom) {},
          [=](caf::error& err) {
            get_logger("actors")->warn("event not stored job_id={} error={}",
                                       self->state.rec.id, self->system().render(err));
          });
}

void persist_row(job_ptr self) {
  publish(self);
  self->request(self->state.deps.persistence, db_timeout, update_atom::value, snapshot(self))
    .then([](caf::ok_atom) {},
          [=](caf::error& err) {
            get_logger("actors")->warn("job row not stored job_id={} error={}",
                                       self->state.rec.id, self->system().render(err));
          });
}

// Creates the job directory (owned by the stage user) and puts every
// committed output back, so a resumed job finds its inputs even when the
// directory was lost. Written through the directory's descriptor: whatever
// a stage left in place of a file is replaced, never written through.
std::string prepare_dir(job_ptr self) {
  auto& st = self->state;
  auto& user = st.deps.stage_user;
  mkdir(st.deps.pipeline.data_dir.c_str(), 0755);
  auto dir = sandbox::make_job_dir(st.deps.pipeline.data_dir + "/jobs", st.rec.id, user);
  if (!dir)
    return "job directory: " + dir.error();
  auto path = job_dir_of(st.deps.pipeline, st.rec.id);
  char buf[PATH_MAX];
  if (!realpath(path.c_str(), buf))
    return "cannot resolve job directory " + path;
  st.dir = buf;
  for (auto& [stage, files] : st.done)
    for (auto& [name, content] : files)
      if (auto r = sandbox::write_file(dir->get(), name, content, user); !r)
        return "cannot restore the " + stage + " checkpoint: " + r.error();
  return {};
}

// Writes `files` into the job directory for the next step to read (the
// repair stage reads the failed program's error output). Through the
// directory's descriptor, never following a link: the program that just
// failed may have planted one under any name.
void write_job_files(job_ptr self, const stage_outputs& files) {
  auto& st = self->state;
  auto log = get_logger("actors");
  auto dir = sandbox::open_directory(st.dir);
  if (!dir) {
    log->warn("job files not written job_id={} error={}", st.rec.id, dir.error());
    return;
  }
  for (auto& [name, content] : files)
    if (auto r = sandbox::write_file(dir->get(), name, content, st.deps.stage_user); !r)
      log->warn("job file not written job_id={} file={} error={}", st.rec.id, name, r.error());
}

// The steps of the current stage; train's depend on the repair loop.
std::vector<stage_step> current_steps(job_ptr self) {
  auto& st = self->state;
  if (st.stage == "train")
    return train_steps(st.action, st.deps.pipeline, st.meta.time_budget_s);
  return steps_for(st.stage, st.deps.pipeline, st.meta.time_budget_s);
}

void start_stage(job_ptr self, const std::string& stage, int attempt) {
  auto& st = self->state;
  if (stage == "train")
    st.action = next_train_action(st.done, st.deps.pipeline.llm.repair_rounds);
  st.stage = stage;
  st.step = 0;
  st.outputs.clear();
  st.stage_started = now_ms();
  st.timing.start(steady_us());
  if (st.new_job) {
    st.new_job = false;
    st.deps.metrics->jobs().observe_queue_wait(seconds_between(st.rec.created_at, st.stage_started));
  }
  st.rec.stage = stage;
  st.rec.attempt = attempt;
  st.meta.stage = stage;
  st.meta.attempt = attempt;
  st.meta.stage_progress = 0;
  st.meta.progress = overall_progress(stage, 0);
  st.meta.message = stage_label(stage);
  persist_row(self);
  emit(self, "stage_started",
       stage_label(stage) + " (stage " + std::to_string(stage_number(stage)) + "/4, attempt "
         + std::to_string(attempt) + ")");
  get_logger("actors")->info("stage started job_id={} stage={} attempt={}", st.rec.id, stage,
                             attempt);
  if (stage == "train" && !st.action.note.empty())
    emit(self, "llm", st.action.note);
  run_step(self);
}

void next_stage(job_ptr self) {
  auto stage = first_pending_stage(self->state.done);
  if (stage.empty())
    return finish(self, status::success, "");
  start_stage(self, stage, 1);
}

void stage_failed(job_ptr self, const stage_result& r, const std::vector<std::string>& missing) {
  auto& st = self->state;
  auto why = describe_failure(st.stage, r, missing);
  auto log = get_logger("actors");
  auto action = on_failure(r, st.rec.attempt, st.deps.pipeline.max_attempts);
  auto& m = st.deps.metrics->jobs();
  m.observe_stage(st.stage, outcome_of(action), seconds_between(st.stage_started, now_ms()));
  st.failure = failure_category_of(r, !missing.empty());
  if (action != failure_action::cancel && metrics::is_sandbox_failure(st.failure))
    m.count_sandbox_failure(st.stage, st.failure);
  switch (action) {
    case failure_action::cancel:
      return finish(self, status::cancelled, "cancelled by request");
    case failure_action::time_out:
      return finish(self, status::timeout, why);
    case failure_action::fail:
      log->error("job failed job_id={} stage={} attempt={} error={}", st.rec.id, st.stage,
                 st.rec.attempt, why);
      return finish(self, status::failed, why);
    case failure_action::retry: {
      auto next = st.rec.attempt + 1;
      auto delay = retry_delay_ms(next, st.deps.pipeline.retry_backoff_ms);
      log->warn("stage retry job_id={} stage={} attempt={} delay_ms={} error={}", st.rec.id,
                st.stage, next, delay, why);
      m.count_retry(st.stage);
      emit(self, "retry", why + "; retrying in " + std::to_string(delay) + " ms");
      self->delayed_send(self, std::chrono::milliseconds(delay), retry_atom::value, st.stage,
                         next);
      return;
    }
  }
}

void commit_failed(job_ptr self, const caf::error& err) {
  stage_result r;
  r.error = "could not commit outputs: " + self->system().render(err);
  stage_failed(self, r, {});
}

void commit_stage(job_ptr self, int attempt) {
  auto& st = self->state;
  // Within train, a repair-loop step commits under its own key.
  auto stage = st.stage == "train" ? checkpoint_key(st.action) : st.stage;
  stage_outputs small;
  for (auto& f : checkpoint_files(stage))
    if (auto i = st.outputs.find(f); i != st.outputs.end())
      small.emplace(f, i->second);
  auto duration = now_ms() - st.stage_started;
  if (stage == "train")
    apply_metrics(st.meta, small["metrics.json"]);
  // The submission is stored before the stage counts as done, so a job whose
  // train stage is committed can always serve its file.
  // Outputs are in memory: a commit the database cannot take now is tried
  // again, never paid for with a rerun of the stage (docs/ARCHITECTURE.md, storage).
  auto retry_or_fail = [=](caf::error& err) {
    if (!write_worth_retrying(err))
      return commit_failed(self, err);
    get_logger("actors")->warn("checkpoint not stored; retrying job_id={} stage={} attempt={} "
                               "error={}", self->state.rec.id, stage, self->state.rec.attempt,
                               self->system().render(err));
    self->delayed_send(self, std::chrono::milliseconds(write_retry_delay_ms(attempt)), checkpoint_atom::value, attempt + 1);
  };
  auto commit = [=] {
    // No timeout: the persistence actor holds the write through an outage
    // and answers once it is committed (or refuses it, then we retry).
    self->request(self->state.deps.persistence, caf::infinite, checkpoint_atom::value,
                  self->state.rec.id, stage, small, duration)
      .then(
      [=](caf::ok_atom) {
        auto& st = self->state;
        st.deps.metrics->jobs().observe_stage(
          st.stage, stage != st.stage ? metrics::outcome::repair : metrics::outcome::success,
          seconds_between(st.stage_started, now_ms()));
        if (stage == st.stage)
          st.deps.metrics->jobs().observe_overhead(
            st.stage, static_cast<double>(st.timing.overhead_us(steady_us())) / 1e6);
        st.done[stage] = small;
        st.meta.llm = summarize_llm(st.done, st.deps.pipeline.llm.repair_rounds);
        if (stage != st.stage)
          emit(self, "checkpoint", committed_message(stage));
        else
          emit(self, "stage_finished",
               stage_label(stage) + " done in " + std::to_string(duration) + " ms", 1.0);
        if (st.cancel_requested)
          return finish(self, status::cancelled, "cancelled by request");
        next_stage(self);
      },
        retry_or_fail);
  };
  if (stage != "train")
    return commit();
  self->request(st.deps.persistence, caf::infinite, artifact_atom::value, st.rec.id,
                std::string{"submission.csv"}, st.outputs["submission.csv"])
    .then([=](caf::ok_atom) { commit(); }, retry_or_fail);
}

// The step's output beyond the head: how much was dropped, then its tail.
void release_tail(job_ptr self) {
  auto& st = self->state;
  auto t = st.cap.finish();
  if (t.dropped > 0)
    emit(self, "log_dropped", st.cap.marker(t.dropped));
  for (auto& ev : t.last)
    emit(self, ev.kind, ev.message, ev.progress, ev.time);
}

void on_step_result(job_ptr self, stage_result& r) {
  auto& st = self->state;
  st.step_running = false;
  st.timing.add_run(r.run_us);
  if (!r.node.empty()) {
    st.rec.node = r.node;
    st.meta.node = r.node;
    st.meta.nodes[st.stage] = r.node;
  }
  release_tail(self);
  if (st.cancel_requested)
    r.cancelled = true;
  auto steps = current_steps(self);
  auto missing = missing_outputs(steps[st.step], r);
  if (r.exit_code != 0 || r.timed_out || r.cancelled || r.unsafe_output || !missing.empty()) {
    // The repair loop keeps what went wrong as a checkpoint and moves on;
    // an unsafe output is no program error: it fails the stage as ever.
    auto why = describe_failure(st.stage, r, missing);
    if (st.stage == "train" && st.action.what == train_action::kind::repair && !r.cancelled
        && !r.unsafe_output) {
      st.outputs = failed_repair_files(st.action, why);
      return commit_stage(self, 1);
    }
    if (st.stage == "train" && goes_to_repair(st.action, r)) {
      st.outputs = failure_files(st.action, why + "\n" + st.tail.text());
      // The repair stage reads the error output from the job dir; written
      // through its descriptor, replacing whatever the program left there.
      write_job_files(self, st.outputs);
      st.action = failure_of(st.action);
      return commit_stage(self, 1);
    }
    return stage_failed(self, r, missing);
  }
  for (auto& [name, content] : r.outputs)
    st.outputs[name] = std::move(content);
  if (++st.step < steps.size())
    return run_step(self);
  commit_stage(self, 1);
}

void run_step(job_ptr self) {
  auto& st = self->state;
  auto steps = current_steps(self);
  if (st.step == 0)
    st.tail.clear();
  stage_request req;
  req.job_id = st.rec.id;
  req.stage = st.stage;
  req.attempt = st.rec.attempt;
  req.argv = steps[st.step].argv;
  req.job_dir = st.dir;
  req.competition_dir = st.src.data_dir;
  req.description = st.src.description;
  req.timeout_ms = int64_t{st.deps.pipeline.stage_timeout_s} * 1000;
  req.outputs = steps[st.step].required;
  req.outputs.insert(req.outputs.end(), steps[st.step].optional.begin(),
                     steps[st.step].optional.end());
  req.llm_access = steps[st.step].llm_access;
  // The stage may run on another node than the last: it gets every file
  // the job has committed and this stage's earlier steps made.
  for (auto& [_, files] : st.done)
    for (auto& [name, content] : files)
      req.inputs[name] = content;
  for (auto& [name, content] : st.outputs)
    req.inputs[name] = content;
  st.step_running = true;
  // The node enforces the stage deadline; this timeout only guards against
  // a registry that is gone (a stage may wait for a slot and for its files).
  auto guard = std::chrono::milliseconds(req.timeout_ms) + std::chrono::hours(1);
  self->request(st.deps.launcher, guard, run_atom::value, std::move(req))
    .then([=](stage_result& r) { on_step_result(self, r); },
          [=](caf::error& err) {
            stage_result r;
            r.error = "launcher: " + self->system().render(err);
            on_step_result(self, r);
          });
}

void finish(job_ptr self, const std::string& status, const std::string& error) {
  auto& st = self->state;
  if (st.finished)
    return;
  st.finished = true;
  st.rec.status = status;
  st.rec.error = error;
  st.rec.completed_at = now_ms();
  if (status == status::success)
    st.meta.progress = 1.0;
  st.meta.message = status == status::success ? "Completed" : error;
  auto& m = st.deps.metrics->jobs();
  m.count_finished(status);
  if (status == status::failed || status == status::timeout)
    m.count_failure(status == status::timeout ? metrics::failure_category::timeout : st.failure);
  emit(self, "status", error.empty() ? status : status + ": " + error);
  get_logger("actors")->info("job finished job_id={} status={}", st.rec.id, status);
  publish(self);
  store_final(self, 1);
}

// The final status is retried until the database has it: a job whose row
// stays non-terminal would be stranded until a restart (issue 9).
void store_final(job_ptr self, int attempt) {
  auto rec = snapshot(self);
  // `committed`: the row holds `rec`, so the supervisor may serve it to reads.
  auto done = [=](bool committed) {
    for (auto& rp : self->state.waiting)
      rp.deliver(rec);
    self->state.waiting.clear();
    self->send(self->state.deps.supervisor, job_done_atom::value, rec, committed);
    self->quit();
  };
  self->request(self->state.deps.persistence, caf::infinite, update_atom::value, rec)
    .then([=](caf::ok_atom) { done(true); },
          [=](caf::error& err) {
            if (!write_worth_retrying(err)) {
              get_logger("actors")->error("final status refused job_id={} error={}", rec.id,
                                          self->system().render(err));
              return done(false);
            }
            get_logger("actors")->warn("final status not stored; retrying job_id={} error={}",
                                       rec.id, self->system().render(err));
            self->delayed_send(self, std::chrono::milliseconds(write_retry_delay_ms(attempt)), update_atom::value, attempt + 1);
          });
}

void begin(job_ptr self) {
  auto& st = self->state;
  st.rec.status = status::running;
  st.rec.node = st.deps.node;
  st.new_job = st.rec.started_at == 0 && st.done.empty();
  if (st.rec.started_at == 0)
    st.rec.started_at = now_ms();
  self->request(st.deps.store, fetch_guard, sources::fetch_atom::value, st.rec.competition,
                caf::actor{self})
    .then([=](sources::competition_files& files) { on_competition(self, std::move(files)); },
          [=](caf::error& err) {
            if (self->state.finished)
              return;
            // A store stopped by shutdown: the job resumes on the next start.
            if (code_of(err) == errc::cancelled)
              return;
            self->state.failure = metrics::failure_category::source;
            finish(self, status::failed, detail_of(err));
          });
}

void on_competition(job_ptr self, sources::competition_files files) {
  auto& st = self->state;
  if (st.finished)
    return;  // cancelled while the files were being fetched
  auto log = get_logger("actors");
  st.src = std::move(files);
  // Mirrored competitions keep the event stream they always had.
  if (st.src.origin != "mirror")
    emit(self, "source",
         st.src.origin == "kaggle" ? "downloaded from the Kaggle API into " + st.src.root
                                   : "from the download cache: " + st.src.root);
  if (auto err = prepare_dir(self); !err.empty())
    return finish(self, status::failed, err);
  st.meta.llm = summarize_llm(st.done, st.deps.pipeline.llm.repair_rounds);
  auto pending = first_pending_stage(st.done);
  if (!st.done.empty())
    emit(self, "resumed",
         "resuming at " + (pending.empty() ? std::string{"finish"} : pending) + "; "
           + std::to_string(st.done.size()) + " stage(s) already committed");
  log->info("job started job_id={} competition={} first_stage={}", st.rec.id,
            st.rec.competition, pending);
  next_stage(self);
}

caf::behavior job_actor(job_ptr self, resumable_job job, job_deps deps) {
  auto& st = self->state;
  st.deps = std::move(deps);
  st.deps.metrics = metrics::or_private(std::move(st.deps.metrics));
  st.rec = std::move(job.job);
  st.done = std::move(job.done);
  st.seq = job.last_seq;
  st.meta = parse_metadata(st.rec.metadata);
  st.cap = log_cap{static_cast<size_t>(std::max(0, st.deps.pipeline.log_lines))};
  self->send(self, start_atom::value);
  return {
    [=](start_atom) { begin(self); },
    [=](sources::fetch_progress_atom, const std::string&, int64_t done, int64_t total) {
      auto& st = self->state;
      if (st.finished)
        return;
      st.meta.message = sources::download_progress_text(done, total);
      emit(self, "progress", st.meta.message,
           total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : -1);
      publish(self);
    },
    [=](get_atom) { return snapshot(self); },
    [=](stage_event_atom, job_event& ev) {
      auto& st = self->state;
      if (ev.kind == "progress" && ev.progress >= 0) {
        st.meta.stage_progress = ev.progress;
        st.meta.progress = overall_progress(st.stage, ev.progress);
        if (!ev.message.empty())
          st.meta.message = ev.message;
      }
      if (st.stage == "train" && st.action.repairable && ev.kind != "progress")
        st.tail.add(ev.message);
      if (st.cap.admit(ev))
        emit(self, ev.kind, ev.message, ev.progress, ev.time);
      if (ev.kind == "progress")
        publish(self);  // the hub coalesces these
    },
    [=](retry_atom, const std::string& stage, int32_t attempt) {
      if (self->state.finished || self->state.cancel_requested)
        return;
      start_stage(self, stage, attempt);
    },
    [=](cancel_atom) -> caf::result<job_record> {
      auto& st = self->state;
      if (st.finished)
        return snapshot(self);
      st.waiting.push_back(self->make_response_promise());
      if (!st.cancel_requested) {
        st.cancel_requested = true;
        st.deps.metrics->jobs().count_cancel("running");
        emit(self, "cancel", "cancellation requested");
        if (st.step_running)
          self->send(st.deps.launcher, cancel_atom::value, st.rec.id);
        else
          finish(self, status::cancelled, "cancelled by request");
      }
      return st.waiting.back();
    },
    [=](caf::ok_atom) {
      // The launcher's acknowledgement of a cancel; the step result follows.
    },
    [=](checkpoint_atom, int32_t attempt) {
      if (!self->state.finished)
        commit_stage(self, attempt);
    },
    [=](update_atom, int32_t attempt) { store_final(self, attempt); },
  };
}

} // namespace

caf::actor spawn_job(caf::actor_system& sys, resumable_job job, job_deps deps) {
  return sys.spawn(job_actor, std::move(job), std::move(deps));
}

} // namespace kagent
