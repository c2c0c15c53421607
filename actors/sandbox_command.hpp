// What a stage process sees: the final argv (bwrap wrapper or plain),
// placeholders replaced, and its cleared environment. Pure functions except
// prepare_competition_links, which builds process mode's view on disk.
#pragma once

#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "actors/messages.hpp"
#include "config/options.hpp"

namespace kagent {

/// Where the stage binary appears inside the bwrap sandbox.
constexpr const char* sandboxed_stage_bin = "/opt/kagent/kagent-stage";

/// Paths a stage sees for its placeholders.
struct stage_paths {
  std::string job;         ///< {job}
  std::string competition; ///< {competition}: has data/ and description.md
  std::string stage_bin;   ///< {stage_bin}
  std::string python;      ///< {python}
  std::string llm_socket;  ///< {llm_socket}: the LLM proxy, empty when not bound
};

/// The placeholder values of `req` in sandbox mode `mode` ("bwrap"|"process").
stage_paths paths_for(const stage_request& req, const std::string& mode,
                      const std::string& stage_bin, const std::string& python,
                      const std::string& llm_socket = "");

/// `arg` with every {job}, {competition}, {stage_bin}, {python} and {llm_socket} replaced;
/// unknown {names} stay as they are.
std::string replace_placeholders(const std::string& arg, const stage_paths& p);

/// The argv to exec for `req`: bwrap ... -- argv in bwrap mode, argv alone in
/// process mode. Fails on an unknown mode, an empty argv or relative paths.
/// `llm_socket` (host path) is bound read-only at /run/kagent/llm.sock; pass
/// it only for a request with llm_access: it is the stage's one way out.
caf::expected<std::vector<std::string>> sandbox_argv(const stage_request& req,
                                                     const sandbox_options& opts,
                                                     const std::string& stage_bin,
                                                     const std::string& python,
                                                     const std::string& llm_socket = "");

/// The stage's whole environment: an allowlist, never the parent's secrets.
/// `home` is the job directory as the stage sees it; OPENBLAS_CORETYPE and
/// OPENBLAS_L2_SIZE are copied from kagentd's environment when set there.
std::vector<std::string> stage_environment(const std::string& home);

/// Process mode: creates <job_dir>/.competition/{data,description.md} as
/// symlinks to the request's competition files (replacing stale links).
caf::error prepare_competition_links(const stage_request& req);

} // namespace kagent
