// `kagent-stage solve`: the whole pipeline by hand, for debugging. Builds a
// competition layout of symlinks, then runs analyze, plan, generate, train
// and validate as child processes, relaying their progress lines; each stage
// runs under bubblewrap with the server's layout (agent/sandbox.hpp) unless
// the sandbox is "process".
#pragma once

#include <string>
#include <vector>

#include "agent/result.hpp"

namespace kagent::agent {

/// Inputs of a solve run.
struct solve_options {
  std::string competition_root; ///< a mirror entry: public/ + description.md, or loose files
  std::string out_dir;          ///< gets competition/ (symlinks) and job/
  double time_budget_seconds = 120; ///< passed to plan
  std::string python = "/usr/bin/python3"; ///< runs solution.py
  std::string sandbox;          ///< "bwrap" or "process"; empty: bwrap when /usr/bin/bwrap exists
};

/// Runs `argv` in `cwd`, relaying its JSON progress lines as stage `stage`
/// (overall progress from `base` to `base + span`); the last `{"error"}` line
/// becomes the failure reason. A non-empty `env` replaces the environment.
result<ok_t> run_child(const std::vector<std::string>& argv, const std::string& cwd,
                       const std::string& stage, double base, double span,
                       const std::vector<std::string>& env = {});

/// Runs the pipeline; the result is the path of submission.csv.
result<std::string> solve(const solve_options& opts);

} // namespace kagent::agent
