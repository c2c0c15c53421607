#include "actors/launcher.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>

#include <caf/all.hpp>
#include <rapidjson/document.h>

#include "actors/child_process.hpp"
#include "actors/messages.hpp"
#include "actors/sandbox_command.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

namespace fs = std::filesystem;

namespace kagent {

namespace {

/// Sent to self when the SIGTERM grace period is over (never leaves the actor).
using escalate_atom = caf::atom_constant<caf::atom("escalate")>;

/// The stage attempt in flight.
struct run_state {
  uint64_t id = 0;
  stage_request req;
  caf::response_promise promise;
  caf::actor requester;
  int64_t started_ms = 0;
  bool timed_out = false;
  bool cancelled = false;
  std::string json_error;               // last {"error": ...} line
  std::string last_stderr;              // last non-empty stderr line
  std::ofstream log;                    // <job_dir>/logs/<stage>.log
  std::unique_ptr<child_process> child; // last member: destroyed (killed) first
};

struct launcher_state {
  launcher_options opts;
  uint64_t next_id = 1;
  std::unique_ptr<run_state> run; // empty while idle; destroying it kills the child
  std::shared_ptr<spdlog::logger> log = get_logger("launcher");
  static inline const char* name = "launcher";
};

using launcher_actor = caf::stateful_actor<launcher_state>*;

std::string absolute(const std::string& p) {
  std::error_code ec;
  return p.empty() ? p : fs::absolute(p, ec).lexically_normal().string();
}

/// A stdout line of the stage protocol turned into an event (kind "log" when
/// it is not a JSON object); remembers {"error": ...} lines.
job_event to_event(run_state& r, child_stream stream, const std::string& line) {
  job_event ev{r.req.job_id, 0, now_ms(), r.req.stage, "log", line, -1};
  if (stream != child_stream::out || line.empty() || line.front() != '{')
    return ev;
  rapidjson::Document doc;
  doc.Parse(line.c_str(), line.size());
  if (doc.HasParseError() || !doc.IsObject())
    return ev;
  if (doc.HasMember("error")) {
    auto& e = doc["error"];
    r.json_error = e.IsString() ? e.GetString() : line;
    ev.message = r.json_error;
  } else if (doc.HasMember("progress") && doc["progress"].IsNumber()) {
    ev.kind = "progress";
    ev.progress = std::min(1.0, std::max(0.0, doc["progress"].GetDouble()));
    ev.message =
        doc.HasMember("message") && doc["message"].IsString() ? doc["message"].GetString() : "";
  }
  return ev;
}

/// Reads the request's output files, relative to the job dir, binary-safe.
stage_outputs read_outputs(const stage_request& req, spdlog::logger& log) {
  stage_outputs out;
  for (auto& name : req.outputs) {
    fs::path rel{name};
    if (rel.is_absolute() || name.find("..") != std::string::npos)
      continue; // outputs never leave the job dir
    auto path = fs::path{req.job_dir} / rel;
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    if (ec || !fs::is_regular_file(path, ec))
      continue;
    if (size > max_output_bytes) {
      log.warn("output too large job_id={} stage={} attempt={} file={} bytes={}", req.job_id,
               req.stage, req.attempt, name, size);
      continue;
    }
    std::ifstream in{path, std::ios::binary};
    std::string data(size, '\0');
    in.read(data.data(), static_cast<std::streamsize>(size));
    data.resize(static_cast<size_t>(in.gcount()));
    out.emplace(name, std::move(data));
  }
  return out;
}

stage_result finish(launcher_actor self, int32_t code, int32_t sig) {
  auto& r = *self->state.run;
  stage_result res;
  res.exit_code = code;
  res.signal = sig;
  res.timed_out = r.timed_out;
  res.cancelled = r.cancelled;
  res.duration_ms = now_ms() - r.started_ms;
  res.outputs = read_outputs(r.req, *self->state.log);
  if (r.timed_out)
    res.error = "timed out after " + std::to_string(r.req.timeout_ms) + " ms";
  else if (r.cancelled)
    res.error = "cancelled";
  else if (code != 0 || sig != 0)
    res.error = !r.json_error.empty()    ? r.json_error
                : !r.last_stderr.empty() ? r.last_stderr
                : sig != 0               ? "killed by signal " + std::to_string(sig)
                                         : "exited with code " + std::to_string(code);
  self->state.log->info("stage exited job_id={} stage={} attempt={} code={} signal={} timed_out={} "
                        "cancelled={} duration_ms={} outputs={}",
                        r.req.job_id, r.req.stage, r.req.attempt, code, sig, r.timed_out,
                        r.cancelled, res.duration_ms, res.outputs.size());
  return res;
}

/// Spawns the child of `r`; its watcher reports through (child_atom, ...).
caf::error start(launcher_actor self, run_state& r) {
  auto& opts = self->state.opts;
  auto& req = r.req;
  std::error_code ec;
  fs::create_directories(fs::path{req.job_dir} / "logs", ec);
  if (ec)
    return make_error(errc::internal, "job dir " + req.job_dir + ": " + ec.message());
  r.log.open(fs::path{req.job_dir} / "logs" / (req.stage + ".log"), std::ios::app);
  bool bwrap = opts.sandbox.mode == "bwrap";
  if (!bwrap)
    if (auto err = prepare_competition_links(req))
      return err;
  auto argv = sandbox_argv(req, opts.sandbox, opts.stage_bin, opts.python,
                           req.llm_access ? opts.llm_socket : std::string{});
  if (!argv)
    return argv.error();
  child_spec spec;
  spec.argv = std::move(*argv);
  spec.env = stage_environment(bwrap ? "/job" : req.job_dir);
  spec.cwd = req.job_dir;
  spec.memory_bytes = opts.sandbox.memory_bytes;
  spec.cpu_seconds = opts.sandbox.cpu_seconds;
  spec.file_bytes = opts.sandbox.file_bytes;
  spec.processes = bwrap ? 0 : opts.sandbox.processes; // bwrap needs its own
  // The watcher thread only mails the actor; a weak address so a running
  // child never keeps its launcher alive.
  auto addr = self->address();
  auto id = r.id;
  auto on_line = [addr, id](child_stream s, std::string line) {
    if (auto hdl = caf::actor_cast<caf::actor>(addr))
      caf::anon_send(hdl, child_atom::value, id, static_cast<int32_t>(s), std::move(line));
  };
  auto on_exit = [addr, id](int32_t code, int32_t sig) {
    if (auto hdl = caf::actor_cast<caf::actor>(addr))
      caf::anon_send(hdl, child_atom::value, id, code, sig);
  };
  auto child = child_process::spawn(spec, std::move(on_line), std::move(on_exit));
  if (!child)
    return child.error();
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

caf::behavior launcher(launcher_actor self, launcher_options opts) {
  self->state.opts = std::move(opts);
  return {
      [=](run_atom, stage_request& req) -> caf::result<stage_result> {
        auto& st = self->state;
        if (st.run)
          return make_error(errc::conflict, "launcher busy");
        auto r = std::make_unique<run_state>();
        r->id = st.next_id++;
        req.job_dir = absolute(req.job_dir);
        req.competition_dir = absolute(req.competition_dir);
        req.description = absolute(req.description);
        r->req = std::move(req);
        r->requester = caf::actor_cast<caf::actor>(self->current_sender());
        r->started_ms = now_ms();
        if (auto err = start(self, *r)) {
          stage_result res;
          res.error = "sandbox: " + detail_of(err);
          st.log->error("stage not started job_id={} stage={} attempt={} error={}", r->req.job_id,
                        r->req.stage, r->req.attempt, res.error);
          return res;
        }
        st.log->info("stage started job_id={} stage={} attempt={} pid={} mode={}", r->req.job_id,
                     r->req.stage, r->req.attempt, r->child->pid(), st.opts.sandbox.mode);
        if (r->req.timeout_ms > 0)
          self->delayed_send(self, std::chrono::milliseconds(r->req.timeout_ms),
                             deadline_atom::value, r->id);
        r->promise = self->make_response_promise();
        auto rp = r->promise;
        st.run = std::move(r);
        return rp;
      },
      [=](cancel_atom, const std::string& job_id) {
        auto& run = self->state.run;
        if (run && run->req.job_id == job_id && !run->cancelled && !run->timed_out) {
          self->state.log->info("cancelling job_id={} stage={} attempt={}", job_id, run->req.stage,
                                run->req.attempt);
          run->cancelled = true;
          terminate(self);
        }
        return caf::ok_atom::value;
      },
      [=](deadline_atom, uint64_t id) {
        auto& run = self->state.run;
        if (!running(self, id) || run->cancelled || run->timed_out)
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
        auto s = static_cast<child_stream>(stream);
        r.log << line << '\n' << std::flush;
        if (s == child_stream::err && !line.empty())
          r.last_stderr = line;
        auto ev = to_event(r, s, line);
        if (r.requester)
          self->send(r.requester, stage_event_atom::value, std::move(ev));
      },
      [=](child_atom, uint64_t id, int32_t code, int32_t sig) {
        if (!running(self, id))
          return;
        auto res = finish(self, code, sig);
        auto rp = self->state.run->promise;
        self->state.run.reset(); // joins the (finished) watcher thread
        rp.deliver(std::move(res));
      },
  };
}

} // namespace

caf::actor spawn_launcher(caf::actor_system& sys, launcher_options opts) {
  return sys.spawn(launcher, std::move(opts));
}

caf::error check_sandbox(const sandbox_options& opts) {
  if (opts.mode == "process")
    return caf::none;
  const std::string fix = "; install bubblewrap (apt install bubblewrap) or run "
                          "with --sandbox=process (rlimits only, no isolation)";
  if (opts.mode != "bwrap")
    return make_error(errc::invalid_input,
                      "unknown sandbox mode '" + opts.mode + "' (bwrap|process)");
  if (::access(opts.bwrap.c_str(), X_OK) != 0)
    return make_error(errc::internal, "bubblewrap not found at " + opts.bwrap + fix);
  char tmpl[] = "/tmp/kagent-sandbox-check-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr)
    return make_error(errc::internal, "sandbox check: cannot create a temp dir");
  stage_request req;
  req.job_id = "sandbox-check";
  req.stage = "check";
  req.job_dir = tmpl;
  req.argv = {"/bin/true"};
  auto argv = sandbox_argv(req, opts, "", "");
  if (!argv)
    return argv.error();
  child_spec spec;
  spec.argv = *argv;
  spec.env = stage_environment("/job");
  spec.cwd = tmpl;
  auto stderr_tail = std::make_shared<std::string>();
  std::promise<std::pair<int32_t, int32_t>> exited;
  auto done = exited.get_future();
  auto child = child_process::spawn(
      spec,
      [stderr_tail](child_stream s, std::string line) {
        if (s == child_stream::err && !line.empty())
          *stderr_tail = std::move(line);
      },
      [&exited](int32_t code, int32_t sig) {
        exited.set_value({code, sig});
      });
  caf::error result;
  if (!child) {
    result = make_error(errc::internal,
                        "cannot run " + opts.bwrap + ": " + detail_of(child.error()) + fix);
  } else if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    result = make_error(errc::internal, "bubblewrap did not finish /bin/true in 10 s" + fix);
  } else if (auto [code, sig] = done.get(); code != 0 || sig != 0) {
    result = make_error(errc::internal, "bubblewrap cannot create a sandbox here (exit "
                                            + std::to_string(code) + "): " + *stderr_tail + fix);
  }
  if (child)
    child->reset(); // kills and joins before `exited` goes out of scope
  std::error_code ec;
  fs::remove_all(tmpl, ec);
  return result;
}

} // namespace kagent
