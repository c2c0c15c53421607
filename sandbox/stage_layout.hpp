// What a stage process sees, as pure functions: its placeholders, the
// bubblewrap command line that builds its file system, and its cleared
// environment. The one place the sandbox layout is written (docs/ARCHITECTURE.md, the sandbox).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kagent::sandbox {

/// Paths a stage sees for its placeholders.
struct stage_paths {
  std::string job;         ///< {job}
  std::string competition; ///< {competition}: has data/ and description.md
  std::string stage_bin;   ///< {stage_bin}
  std::string python;      ///< {python}
  std::string llm_socket;  ///< {llm_socket}: the LLM proxy; empty when not given
};

/// `arg` with every {job}, {competition}, {stage_bin}, {python} and {llm_socket} replaced
/// in one left-to-right pass; unknown {names} stay as they are.
std::string replace_placeholders(const std::string& arg, const stage_paths& p);

/// What bwrap mounts, as paths bwrap itself can reach (see stage_launch).
struct bwrap_mounts {
  std::string job;         ///< -> /job, read-write
  std::string data;        ///< -> /competition/data, read-only; empty: none
  std::string description; ///< -> /competition/description.md, read-only; empty: none
  std::string stage_bin;   ///< -> /opt/kagent/kagent-stage, read-only; empty: none
  std::string llm_socket;  ///< -> /run/kagent/llm.sock, read-only; empty: none. Only for
                           ///< stages that call the LLM: the network stays unshared, so
                           ///< this socket is their one way out (to kagentd's proxy)
  std::vector<std::pair<int, std::string>> etc; ///< generated files: fd -> name below /etc
  std::vector<std::string> shared_etc;          ///< host /etc entries bound read-only if present
};

/// bwrap and its options up to and including "--": read-only /usr, a
/// generated /etc, private /proc, /dev, and size-bounded /tmp and /dev/shm,
/// every namespace unshared (no network), no nested user namespaces,
/// a read-only root. `tmp_bytes` <= 0 leaves the tmpfs sizes unbounded.
std::vector<std::string> bwrap_prefix(const std::string& bwrap, const bwrap_mounts& m,
                                      int64_t tmp_bytes);

/// The stage's whole environment: an allowlist, never kagentd's secrets.
/// `home` is the job directory as the stage sees it; OPENBLAS_CORETYPE and
/// OPENBLAS_L2_SIZE are copied from our environment when set.
std::vector<std::string> stage_environment(const std::string& home);

} // namespace kagent::sandbox
