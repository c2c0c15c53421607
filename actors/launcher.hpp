// The sandbox launcher: one slot that runs one stage attempt at a time as a
// child process (sandbox/), streams its stdout protocol back to the
// requester, enforces the wall-clock deadline, cancels on request and reads
// the stage's output files back into the result. It monitors its requester:
// when that job actor dies, the child dies too and the slot is free again.
//
//   (run_atom, stage_request)   -> stage_result, later; error(conflict) if busy
//       streams (stage_event_atom, job_event) to the requester meanwhile
//   (cancel_atom, std::string)  -> ok_atom; kills that job's child if running
#pragma once

#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "config/options.hpp"
#include "sandbox/stage_launch.hpp"

namespace kagent {

/// What a launcher needs: its sandbox, this host's setup, the stage tools.
struct launcher_options {
  sandbox_options sandbox;
  sandbox::host_setup host; ///< the stage user and where cgroups go
  std::string stage_bin;    ///< host path of kagent-stage
  std::string python;       ///< host path of python3; under /usr in bwrap mode
  std::string node;         ///< name of the node this slot belongs to
  std::string log_dir;      ///< <data_dir>/logs: stage logs, never visible to a stage
  std::string llm_socket;   ///< the LLM proxy's socket, bound into LLM stages only; empty: off
};

/// One sandbox slot: runs one stage attempt at a time.
caf::actor spawn_launcher(caf::actor_system& sys, launcher_options opts);

} // namespace kagent
