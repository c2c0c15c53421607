// The analyze stage: competition dir in, profile.json out (docs/ARCHITECTURE.md, the pipeline).
#pragma once

#include <string>

#include "agent/profile.hpp"
#include "agent/result.hpp"

namespace kagent::agent {

/// Builds the profile of the competition at `competition_dir` (layout
/// `data/` + optional `description.md`), reporting progress on stdout.
result<profile> analyze_competition(const std::string& competition_dir);

/// The analyze stage: analyze_competition, then `<job_dir>/profile.json`.
result<ok_t> run_analyze(const std::string& competition_dir, const std::string& job_dir);

} // namespace kagent::agent
