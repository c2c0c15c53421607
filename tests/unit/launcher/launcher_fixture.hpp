// Shared by the launcher tests: a real actor system, a scoped actor, a temp
// job dir with a small competition, and helpers to run shell stages.
#pragma once

#include "caf/test/dsl.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "actors/launcher.hpp"
#include "actors/messages.hpp"
#include "core/error.hpp"
#include "sandbox/stage_launch.hpp"

namespace kagent::launcher_testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline std::string slurp(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// True while a process whose command line contains `token` is alive
/// (zombies have an empty command line and do not count).
inline bool process_with_token(const std::string& token) {
  for (auto& entry : fs::directory_iterator{"/proc"}) {
    auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    auto cmd = slurp(entry.path() / "cmdline");
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    if (cmd.find(token) != std::string::npos)
      return true;
  }
  return false;
}

/// Waits up to 5 s for every process carrying `token` to be gone.
inline bool gone(const std::string& token) {
  for (int i = 0; i < 100; ++i) {
    if (!process_with_token(token))
      return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

struct outcome {
  stage_result result;
  std::vector<job_event> events;
  caf::error err;
};

struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  fs::path root;
  caf::actor launcher;

  fixture() {
    root = fs::temp_directory_path()
           / ("kagent-launcher-" + std::to_string(::getpid()) + "-"
              + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(root / "job");
    fs::create_directories(root / "comp");
    std::ofstream{root / "comp" / "train.csv"} << "id,y\n1,0\n";
    std::ofstream{root / "description.md"} << "# Titanic\n";
  }

  ~fixture() {
    self->send_exit(launcher, caf::exit_reason::user_shutdown);
    self->wait_for(launcher);
    if (host)
      sandbox::teardown_host(*host);
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  sandbox_options sandbox; ///< limits for the next start()
  std::string stage_bin = "/bin/true";     ///< for the next start()
  std::string python = "/usr/bin/python3"; ///< for the next start()
  std::string llm_socket;                  ///< the LLM proxy socket of the next start()

  std::optional<sandbox::host_setup> host; ///< found by the first start()

  void start(const std::string& mode, int kill_grace_ms = 200) {
    launcher_options opts;
    opts.sandbox = sandbox;
    opts.sandbox.mode = mode;
    opts.sandbox.kill_grace_ms = kill_grace_ms;
    if (!host) {
      auto found = sandbox::setup_host(opts.sandbox);
      CAF_REQUIRE_EQUAL(found ? std::string{} : found.error(), "");
      host = *found;
      // The job dir belongs to the stage user, as the job actor makes it.
      if (host->user.change)
        CAF_REQUIRE_EQUAL(::chown((root / "job").c_str(), host->user.uid, host->user.gid), 0);
    }
    opts.host = *host;
    opts.python = python;
    opts.stage_bin = stage_bin;
    opts.log_dir = (root / "logs").string();
    opts.llm_socket = llm_socket;
    launcher = spawn_launcher(sys, opts);
  }

  /// The launcher's log of a stage of job-1.
  std::string log_of(const std::string& stage) const {
    return slurp(root / "logs" / "job-1" / (stage + ".log"));
  }

  stage_request shell(const std::string& script, int64_t timeout_ms = 30000) {
    stage_request req;
    req.job_id = "job-1";
    req.stage = "train";
    req.argv = {"/bin/sh", "-c", script};
    req.job_dir = (root / "job").string();
    req.competition_dir = (root / "comp").string();
    req.description = (root / "description.md").string();
    req.timeout_ms = timeout_ms;
    return req;
  }

  /// Collects events until the result (or an error) arrives.
  outcome await_result(outcome out = {}) {
    bool done = false;
    self->receive_while([&] { return !done; })(
        [&](stage_event_atom, job_event& ev) { out.events.push_back(std::move(ev)); },
        [&](stage_result& r) {
          out.result = std::move(r);
          done = true;
        },
        [&](caf::error& e) {
          out.err = std::move(e);
          done = true;
        },
        caf::after(std::chrono::seconds(60)) >>
            [&] {
              out.err = make_error(errc::internal, "no result within 60 s");
              done = true;
            });
    return out;
  }

  outcome run(stage_request req) {
    self->send(launcher, run_atom::value, std::move(req));
    return await_result();
  }

  /// Lines of all log events, in order.
  static std::vector<std::string> lines(const outcome& out) {
    std::vector<std::string> xs;
    for (auto& ev : out.events)
      xs.push_back(ev.message);
    return xs;
  }

  static bool has_line(const outcome& out, const std::string& line) {
    auto xs = lines(out);
    return std::find(xs.begin(), xs.end(), line) != xs.end();
  }
};

} // namespace kagent::launcher_testing
