// The sandbox launcher: one slot that runs one stage attempt at a time as a
// child process (bwrap or plain, see sandbox_command), streams its stdout
// protocol back to the requester, enforces the wall-clock deadline, cancels
// on request and reads the stage's output files back into the result.
//
//   (run_atom, stage_request)   -> stage_result, later; error(conflict) if busy
//       streams (stage_event_atom, job_event) to the requester meanwhile
//   (cancel_atom, std::string)  -> ok_atom; kills that job's child if running
#pragma once

#include <string>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>

#include "config/options.hpp"

namespace kagent {

/// What a launcher needs: its sandbox and where the stage tools are.
struct launcher_options {
  sandbox_options sandbox;
  std::string stage_bin; ///< host path of kagent-stage
  std::string python;    ///< host path of python3; under /usr in bwrap mode
  std::string node;      ///< name of the node this slot belongs to
  std::string llm_socket; ///< the LLM proxy's socket, bound into LLM stages only; empty: off
};

/// Longest output file read back into a stage_result; larger ones are skipped.
constexpr size_t max_output_bytes = 32u << 20;

/// One sandbox slot: runs one stage attempt at a time.
caf::actor spawn_launcher(caf::actor_system& sys, launcher_options opts);

/// Checks that `opts.mode` can run here: in bwrap mode that bwrap exists and
/// a trivial sandbox starts; explains how to fix it otherwise.
caf::error check_sandbox(const sandbox_options& opts);

} // namespace kagent
