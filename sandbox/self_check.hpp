// The start-up check of the sandbox: runs /bin/true the way every stage
// will run (same user, layout, cgroup and filter), so a host that cannot
// build the sandbox is found before any job is accepted.
#pragma once

#include "core/result.hpp"
#include "sandbox/options.hpp"
#include "sandbox/stage_launch.hpp"

namespace kagent::sandbox {

/// Starts a trivial stage in `opts.mode` on `host`; explains how to fix the
/// host (or to choose --sandbox=process) when it cannot.
result<ok_t> check_sandbox(const options& opts, const host_setup& host);

} // namespace kagent::sandbox
