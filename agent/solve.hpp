// `kagent-stage solve`: the whole pipeline by hand, for debugging. Runs
// analyze, plan, generate, train and validate as child processes in the
// server's sandbox (sandbox/: the same layout, user, cgroup and filter as a
// launcher's stage), relaying their progress lines.
#pragma once

#include <string>
#include <vector>

#include "agent/result.hpp"

namespace kagent::agent {

/// Inputs of a solve run.
struct solve_options {
  std::string competition_root; ///< a mirror entry: public/ + description.md, or loose files
  std::string out_dir;          ///< gets job/
  double time_budget_seconds = 120; ///< passed to plan
  std::string python = "/usr/bin/python3"; ///< runs solution.py
  std::string sandbox;          ///< "bwrap" or "process"; empty: bwrap when /usr/bin/bwrap exists
};

/// Runs the pipeline; the result is the path of submission.csv.
result<std::string> solve(const solve_options& opts);

} // namespace kagent::agent
