// How stages are confined (docs/ARCHITECTURE.md, the sandbox): the one options struct of sandbox/,
// shared by kagentd's launchers and `kagent-stage solve`. Plain data with
// one-machine defaults; config/ binds it to flags.
#pragma once

#include <cstdint>
#include <string>

namespace kagent::sandbox {

/// What a stage may use and how it is isolated.
struct options {
  std::string mode = "bwrap";            ///< bwrap | process (rlimits, uid and cgroup only)
  std::string bwrap = "/usr/bin/bwrap";
  std::string user = "kagent-sandbox";   ///< uid stages run as when kagentd is root
  std::string cgroup = "optional";       ///< required: refuse to start without one
  int64_t memory_bytes = 8LL << 30;      ///< RLIMIT_AS per stage process
  int64_t cpu_seconds = 3600;            ///< RLIMIT_CPU per stage process
  int64_t file_bytes = 2LL << 30;        ///< RLIMIT_FSIZE per stage process
  int64_t stage_memory_bytes = 8LL << 30; ///< cgroup memory limit of a whole stage, tmpfs included
  int64_t processes = 512;               ///< cgroup pids (tasks) limit of a whole stage
  int64_t tmp_bytes = 1LL << 30;         ///< size of the stage's /tmp and /dev/shm (bwrap)
  int64_t max_output_bytes = 32LL << 20; ///< largest output file read back from a stage
  int kill_grace_ms = 500;               ///< SIGTERM -> SIGKILL delay
};

/// The stage binary's path inside the bwrap sandbox.
constexpr const char* sandboxed_stage_bin = "/opt/kagent/kagent-stage";

/// Where the LLM proxy's socket appears inside the bwrap sandbox of a stage
/// that may call the LLM (and, as root in process mode, its staged path).
constexpr const char* sandboxed_llm_socket = "/run/kagent/llm.sock";

} // namespace kagent::sandbox
