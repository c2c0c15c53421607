// Shared by the launcher tests: a real actor system, a scoped actor, a temp
// job dir with a small competition, and helpers to run shell stages.
#pragma once

#include "caf/test/dsl.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "actors/launcher.hpp"
#include "actors/messages.hpp"
#include "core/error.hpp"

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
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  sandbox_options sandbox; ///< limits for the next start()
  std::string llm_socket;  ///< the LLM proxy socket of the next start()

  void start(const std::string& mode, int kill_grace_ms = 200) {
    launcher_options opts;
    opts.sandbox = sandbox;
    opts.sandbox.mode = mode;
    opts.sandbox.kill_grace_ms = kill_grace_ms;
    opts.python = "/usr/bin/python3";
    opts.stage_bin = "/bin/true";
    opts.llm_socket = llm_socket;
    launcher = spawn_launcher(sys, opts);
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
