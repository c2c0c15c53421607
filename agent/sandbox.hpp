// The sandbox `kagent-stage solve` runs each stage in: the same bubblewrap
// layout as the server's launcher (actors/sandbox_command.cpp), rebuilt here
// because agent/ does not link actor code. Inside: /competition/data (read-only
// public files), /competition/description.md, /job (the only writable place
// besides /tmp), /opt/kagent/kagent-stage; no network, no capabilities, a
// read-only root and a cleared environment with an allowlist.
#pragma once

#include <string>
#include <vector>

namespace kagent::agent {

constexpr const char* default_bwrap = "/usr/bin/bwrap";
constexpr const char* sandboxed_stage = "/opt/kagent/kagent-stage";

/// Host paths a sandboxed stage sees.
struct sandbox_mounts {
  std::string data_dir;    ///< -> /competition/data (read-only)
  std::string description; ///< -> /competition/description.md (read-only); may be empty
  std::string job_dir;     ///< -> /job (read-write)
  std::string stage_bin;   ///< -> /opt/kagent/kagent-stage (read-only)
};

/// "bwrap" when /usr/bin/bwrap exists, else "process".
std::string default_sandbox_mode();

/// The environment every stage gets: PATH, HOME, LANG, one OpenMP/BLAS thread,
/// plus OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE when set on the host.
std::vector<std::string> stage_env(const std::string& home);

/// bwrap and its options, up to and including "--"; the stage's own argv follows.
std::vector<std::string> bwrap_prefix(const sandbox_mounts& m,
                                      const std::string& bwrap = default_bwrap);

} // namespace kagent::agent
