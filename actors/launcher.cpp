#include "actors/launcher.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/stage_output.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "sandbox/child_process.hpp"
#include "sandbox/job_dir.hpp"

// Watcher thread -> launcher only; never crosses nodes.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagent::sandbox::child_exit)

namespace fs = std::filesystem;

namespace kagent {

namespace {

/// Sent to self when the SIGTERM grace period is over (never leaves the actor).
using escalate_atom = caf::atom_constant<caf::atom("escalate")>;

/// Names stage cgroups uniquely across all launchers of this process.
std::atomic<uint64_t> next_cgroup{1};

/// The stage attempt in flight.
struct run_state {
  uint64_t id = 0;
  stage_request req;
  caf::response_promise promise;
  caf::actor requester;
  caf::actor sink;                               // gets the lines; the requester if none
  int64_t started_ms = 0;
  bool timed_out = false;
  bool cancelled = false;
  bool abandoned = false;                        // the requester died: nobody waits
  line_memory lines;
  sandbox::unique_fd log;                        // <log_dir>/<job>/<stage>.log
  std::unique_ptr<sandbox::child_process> child; // last member: destroyed (killed) first
};

/// A request that came while an abandoned run was still being killed.
struct queued_run {
  stage_request req;
  caf::response_promise promise;
  caf::actor requester;
  caf::actor sink;
};

struct launcher_state {
  launcher_options opts;
  uint64_t next_id = 1;
  std::unique_ptr<run_state> run; // empty while idle; destroying it kills the child
  std::optional<queued_run> queued;
  std::shared_ptr<spdlog::logger> log = get_logger("launcher");
  static inline const char* name = "launcher";
};

using launcher_actor = caf::stateful_actor<launcher_state>*;

std::string absolute(const std::string& p) {
  std::error_code ec;
  return p.empty() ? p : fs::absolute(p, ec).lexically_normal().string();
}

stage_result finish(launcher_actor self, const sandbox::child_exit& ex) {
  auto& r = *self->state.run;
  auto& opts = self->state.opts.sandbox;
  stage_result res;
  res.exit_code = ex.code;
  res.signal = ex.signal;
  res.timed_out = r.timed_out;
  res.cancelled = r.cancelled;
  res.duration_ms = now_ms() - r.started_ms;
  res.run_us = ex.run_us;
  read_outputs(r.req, opts.max_output_bytes, res);
  if (r.timed_out)
    res.error = "timed out after " + std::to_string(r.req.timeout_ms) + " ms";
  else if (r.cancelled)
    res.error = "cancelled";
  else if (auto why = failure_reason(ex, r.lines, opts.stage_memory_bytes); !why.empty())
    res.error = why;
  self->state.log->info("stage exited job_id={} stage={} attempt={} code={} signal={} timed_out={} "
                        "cancelled={} duration_ms={} outputs={} memory_peak={} tasks_peak={}{}",
                        r.req.job_id, r.req.stage, r.req.attempt, ex.code, ex.signal, r.timed_out,
                        r.cancelled, res.duration_ms, res.outputs.size(),
                        ex.usage.memory_peak_bytes, ex.usage.tasks_peak,
                        res.unsafe_output ? " refused=" + res.error : "");
  return res;
}

/// Spawns the child of `r`; its watcher reports through (child_atom, ...).
caf::error start(launcher_actor self, run_state& r) {
  auto& opts = self->state.opts;
  auto& req = r.req;
  auto log = sandbox::open_log(opts.log_dir, req.job_id, req.stage);
  if (!log)
    return make_error(errc::internal, log.error());
  r.log = std::move(*log);
  // The proxy's socket goes only into a stage that calls the LLM.
  sandbox::stage_call call{req.argv,      req.job_dir,  req.competition_dir, req.description,
                           opts.stage_bin, opts.python, "",
                           req.llm_access ? opts.llm_socket : std::string{}};
  call.name = req.job_id + "-" + req.stage + "-" + std::to_string(next_cgroup++);
  auto prepared = sandbox::prepare_stage(opts.sandbox, opts.host, call);
  if (!prepared)
    return make_error(errc::internal, prepared.error());
  // The watcher thread only mails the actor; a weak address so a running
  // child never keeps its launcher alive.
  auto addr = self->address();
  auto id = r.id;
  auto on_line = [addr, id](sandbox::child_stream s, std::string line) {
    if (auto hdl = caf::actor_cast<caf::actor>(addr))
      caf::anon_send(hdl, child_atom::value, id, static_cast<int32_t>(s), std::move(line));
  };
  auto on_exit = [addr, id](const sandbox::child_exit& ex) {
    if (auto hdl = caf::actor_cast<caf::actor>(addr))
      caf::anon_send(hdl, child_atom::value, id, ex);
  };
  auto child = sandbox::child_process::spawn(std::move(prepared->spec),
                                             std::move(prepared->cgroup), std::move(on_line),
                                             std::move(on_exit));
  if (!child)
    return make_error(errc::internal, child.error());
  r.child = std::move(*child);
  return caf::none;
}

/// SIGTERM to the group now, SIGKILL after the grace period.
void terminate(launcher_actor self) {
  auto& r = *self->state.run;
  r.child->kill(SIGTERM);
  self->delayed_send(self, std::chrono::milliseconds(self->state.opts.sandbox.kill_grace_ms),
                     escalate_atom::value, r.id);
}

bool running(launcher_actor self, uint64_t id) {
  return self->state.run && self->state.run->id == id;
}

/// Starts `req` for `requester`; the result goes to `promise`.
void begin(launcher_actor self, stage_request req, caf::response_promise promise,
           caf::actor requester, caf::actor sink) {
  auto& st = self->state;
  // Watched from before the child exists, so its death is never missed.
  if (requester)
    self->monitor(requester);
  auto r = std::make_unique<run_state>();
  r->id = st.next_id++;
  req.job_dir = absolute(req.job_dir);
  req.competition_dir = absolute(req.competition_dir);
  req.description = absolute(req.description);
  r->req = std::move(req);
  r->requester = requester;
  r->sink = sink ? sink : requester;
  r->promise = promise;
  r->started_ms = now_ms();
  if (auto err = start(self, *r)) {
    stage_result res;
    res.error = "sandbox: " + detail_of(err);
    st.log->error("stage not started job_id={} stage={} attempt={} error={}", r->req.job_id,
                  r->req.stage, r->req.attempt, res.error);
    if (requester)
      self->demonitor(requester);
    promise.deliver(std::move(res));
    return;
  }
  st.log->info("stage started job_id={} stage={} attempt={} pid={} mode={}", r->req.job_id,
               r->req.stage, r->req.attempt, r->child->pid(), st.opts.sandbox.mode);
  if (r->req.timeout_ms > 0)
    self->delayed_send(self, std::chrono::milliseconds(r->req.timeout_ms), deadline_atom::value,
                       r->id);
  st.run = std::move(r);
}

caf::result<stage_result> accept_run(launcher_actor self, stage_request req, caf::actor sink) {
  auto& st = self->state;
  if (st.run && (!st.run->abandoned || st.queued))
    return make_error(errc::conflict, "launcher busy");
  auto requester = caf::actor_cast<caf::actor>(self->current_sender());
  auto rp = self->make_response_promise();
  if (st.run) {
    // The dying run is gone within moments; this one starts right after
    // (begin() watches its requester from then on).
    st.queued = queued_run{std::move(req), rp, requester, std::move(sink)};
    return rp;
  }
  begin(self, std::move(req), rp, requester, std::move(sink));
  return rp;
}

caf::behavior launcher(launcher_actor self, launcher_options opts) {
  self->state.opts = std::move(opts);
  // A requester that dies mid-stage (a crashed job actor) takes its child
  // with it; the slot frees up once the child is reaped.
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    if (!st.run || st.run->abandoned || st.run->requester.address() != msg.source)
      return;
    st.log->warn("requester died; killing its stage job_id={} stage={} attempt={}",
                 st.run->req.job_id, st.run->req.stage, st.run->req.attempt);
    st.run->abandoned = true;
    st.run->child->kill(SIGKILL);
  });
  return {
    [=](run_atom, stage_request& req) -> caf::result<stage_result> {
      return accept_run(self, std::move(req), caf::actor{});
    },
    // The lines go to `sink` (the job actor of a stage on this machine: no
    // relay between the stage and its job), the result to the requester.
    [=](run_atom, stage_request& req, caf::actor& sink) -> caf::result<stage_result> {
      return accept_run(self, std::move(req), std::move(sink));
    },
    [=](cancel_atom, const std::string& job_id) {
      auto& run = self->state.run;
      if (run && run->req.job_id == job_id && !run->cancelled && !run->timed_out
          && !run->abandoned) {
        self->state.log->info("cancelling job_id={} stage={} attempt={}", job_id, run->req.stage,
                              run->req.attempt);
        run->cancelled = true;
        terminate(self);
      }
      return caf::ok_atom::value;
    },
    [=](deadline_atom, uint64_t id) {
      auto& run = self->state.run;
      if (!running(self, id) || run->cancelled || run->timed_out || run->abandoned)
        return;
      self->state.log->warn("stage deadline job_id={} stage={} attempt={} timeout_ms={}",
                            run->req.job_id, run->req.stage, run->req.attempt,
                            run->req.timeout_ms);
      run->timed_out = true;
      terminate(self);
    },
    [=](escalate_atom, uint64_t id) {
      if (running(self, id))
        self->state.run->child->kill(SIGKILL);
    },
    [=](child_atom, uint64_t id, int32_t stream, std::string& line) {
      if (!running(self, id))
        return;
      auto& r = *self->state.run;
      line += '\n';
      auto ignored = ::write(r.log.get(), line.data(), line.size());
      (void)ignored; // a full disk must not stop the stage
      line.pop_back();
      auto ev = to_event(r.req, static_cast<sandbox::child_stream>(stream), line, r.lines);
      if (r.sink && !r.abandoned)
        self->send(r.sink, stage_event_atom::value, std::move(ev));
    },
    [=](child_atom, uint64_t id, const sandbox::child_exit& ex) {
      auto& st = self->state;
      if (!running(self, id))
        return;
      auto res = finish(self, ex);
      auto run = std::move(st.run); // joins the (finished) watcher thread below
      if (run->requester)
        self->demonitor(run->requester);
      if (!run->abandoned)
        run->promise.deliver(std::move(res));
      run.reset();
      if (auto next = std::move(st.queued)) {
        st.queued.reset();
        begin(self, std::move(next->req), next->promise, next->requester, next->sink);
      }
    },
  };
}

} // namespace

caf::actor spawn_launcher(caf::actor_system& sys, launcher_options opts) {
  return sys.spawn(launcher, std::move(opts));
}

} // namespace kagent
