#include "agent/solve.hpp"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <iostream>
#include <memory>

#include <rapidjson/document.h>

#include "sources/mirror.hpp"
#include "agent/json_io.hpp"
#include "sandbox/child_process.hpp"
#include "sandbox/job_dir.hpp"
#include "sandbox/stage_launch.hpp"

namespace kagent::agent {

namespace {

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) ? std::string(buf) : p;
}

result<ok_t> make_dirs(const std::string& path) {
  std::string cur;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    cur = path.substr(0, pos);
    if (!cur.empty() && mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST)
      return fail("cannot create " + cur + ": " + std::strerror(errno));
  }
  return ok_t{};
}

std::string default_sandbox_mode() {
  return access("/usr/bin/bwrap", X_OK) == 0 ? "bwrap" : "process";
}

/// Prints a stage's stdout line: progress as one JSON line of the whole
/// run (from `base` to `base + span`), anything else as "[stage] line".
void relay(const std::string& line, const std::string& stage, double base, double span,
           std::string& last_error) {
  rapidjson::Document d;
  d.Parse(line.c_str());
  if (d.HasParseError() || !d.IsObject()) {
    std::cout << "[" << stage << "] " << line << std::endl;
    return;
  }
  if (d.HasMember("error") && d["error"].IsString()) {
    last_error = d["error"].GetString();
    return;
  }
  double p = d.HasMember("progress") && d["progress"].IsNumber() ? d["progress"].GetDouble() : 0;
  rapidjson::Document out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember("stage", json_string(stage, a), a);
  out.AddMember("progress", base + span * std::min(1.0, std::max(0.0, p)), a);
  out.AddMember("message", json_string(get_string(d, "message"), a), a);
  std::cout << to_json_line(out) << std::endl;
}

/// Runs one stage in the sandbox to its end, relaying its output.
result<ok_t> run_stage(const sandbox::options& sb, const sandbox::host_setup& host,
                       const sandbox::stage_call& call, const std::string& stage, double base,
                       double span) {
  auto prepared = sandbox::prepare_stage(sb, host, call);
  if (!prepared)
    return fail(stage + ": " + prepared.error());
  auto last_error = std::make_shared<std::string>();
  auto exited = std::make_shared<std::promise<sandbox::child_exit>>();
  auto done = exited->get_future();
  std::cout.flush();
  auto child = sandbox::child_process::spawn(
    std::move(prepared->spec), std::move(prepared->cgroup),
    [=](sandbox::child_stream s, std::string line) {
      if (s == sandbox::child_stream::out)
        relay(line, stage, base, span, *last_error);
      else
        std::cerr << line << std::endl;
    },
    [exited](const sandbox::child_exit& ex) { exited->set_value(ex); });
  prepared->fds.clear();
  if (!child)
    return fail(stage + ": " + child.error());
  auto ex = done.get();
  if (ex.code == 0 && ex.signal == 0)
    return ok_t{};
  std::string how = ex.usage.oom_kills > 0 ? "out of memory"
                    : ex.signal == 0       ? "exit code " + std::to_string(ex.code)
                                           : "signal " + std::to_string(ex.signal);
  return fail(stage + " failed (" + how + ")" + (last_error->empty() ? "" : ": " + *last_error));
}

} // namespace

result<std::string> solve(const solve_options& opts) {
  auto root = real_path(opts.competition_root);
  auto slash = root.find_last_of('/');
  auto src = sources::find_in_mirror(root.substr(0, slash), root.substr(slash + 1));
  if (!src)
    return fail("not a competition directory: " + opts.competition_root);
  if (auto r = make_dirs(opts.out_dir); !r)
    return fail(r.error());
  sandbox::options sb;
  sb.mode = opts.sandbox.empty() ? default_sandbox_mode() : opts.sandbox;
  auto host = sandbox::setup_host(sb);
  if (!host)
    return fail(host.error());
  struct teardown {
    const sandbox::host_setup& h;
    ~teardown() { sandbox::teardown_host(h); }
  } cleanup{*host};
  // The job dir belongs to the stage user (kagent-sandbox when we are root).
  auto out = real_path(opts.out_dir);
  auto out_fd = sandbox::open_directory(out);
  if (!out_fd)
    return fail(out_fd.error());
  if (auto job = sandbox::make_directory(out_fd->get(), "job", 0700, host->user); !job)
    return fail(job.error());
  auto jdir = out + "/job";
  char self[PATH_MAX];
  auto len = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (len <= 0)
    return fail("cannot find my own executable");
  std::string exe(self, static_cast<size_t>(len));
  std::cout << "sandbox: " << sb.mode << ", " << host->describe(sb) << std::endl;
  char budget[32];
  snprintf(budget, sizeof(budget), "%g", opts.time_budget_seconds);
  struct step {
    std::string name;
    std::vector<std::string> argv;
    double span;
  };
  std::vector<step> steps = {
    {"analyze", {"{stage_bin}", "analyze", "--competition", "{competition}", "--job", "{job}"},
     0.05},
    {"plan", {"{stage_bin}", "plan", "--job", "{job}", "--time-budget", budget}, 0.02},
    {"generate", {"{stage_bin}", "generate", "--job", "{job}"}, 0.02},
    {"train", {"{python}", "{job}/solution.py", "--competition", "{competition}", "--job", "{job}"},
     0.89},
    {"validate", {"{stage_bin}", "validate", "--competition", "{competition}", "--job", "{job}"},
     0.02},
  };
  double base = 0;
  for (auto& s : steps) {
    sandbox::stage_call call{s.argv, jdir, real_path(src->data_dir),
                             src->description.empty() ? "" : real_path(src->description), exe,
                             opts.python, "solve-" + s.name, ""}; // no LLM here
    if (auto r = run_stage(sb, *host, call, s.name, base, s.span); !r)
      return fail(r.error());
    base += s.span;
  }
  return jdir + "/submission.csv";
}

} // namespace kagent::agent
