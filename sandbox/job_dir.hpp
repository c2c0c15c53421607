// Host-side access to the one directory a stage can write. Everything goes
// through a directory descriptor and plain names opened with O_NOFOLLOW, so
// a symlink, FIFO, device, hard link or directory the stage planted is
// refused instead of followed (docs/ARCHITECTURE.md, the sandbox). Logs live elsewhere: in a
// directory the stage never sees.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "sandbox/identity.hpp"
#include "sandbox/unique_fd.hpp"

namespace kagent::sandbox {

/// True for one path component: not empty, no '/', not "." or "..".
bool is_plain_name(const std::string& name);

/// Opens the directory `path`; its last component must not be a symlink.
result<unique_fd> open_directory(const std::string& path);

/// Creates (if needed) and opens <parent>/<name> as a directory owned by
/// `owner` with mode `mode`; refuses a symlink or non-directory there.
result<unique_fd> make_directory(int parent_fd, const std::string& name, unsigned mode,
                                 const identity& owner = {});

/// Creates <jobs_root>/<job_id> for a stage running as `owner`: owned by it,
/// mode 0700; entries left by an earlier run are handed to it too. The jobs
/// root itself is 0711 so one job cannot list the others.
result<unique_fd> make_job_dir(const std::string& jobs_root, const std::string& job_id,
                               const identity& owner);

/// Reads the regular file `name` of the directory `dir_fd`, at most
/// `max_bytes`. Empty optional when it does not exist; a failure naming the
/// file when it is a link, not a regular file, has other hard links or is
/// larger than `max_bytes`.
result<std::optional<std::string>> read_output(int dir_fd, const std::string& name,
                                               int64_t max_bytes);

/// Writes `content` as a new regular file `name` in `dir_fd`, owned by
/// `owner`. Whatever non-directory entry was there (a planted symlink) is
/// unlinked first, never written through; a directory there is refused.
result<ok_t> write_file(int dir_fd, const std::string& name, const std::string& content,
                        const identity& owner = {});

/// Opens <log_root>/<job_id>/<stage>.log for appending (created 0640; the
/// directories 0700); refuses links anywhere below log_root.
result<unique_fd> open_log(const std::string& log_root, const std::string& job_id,
                           const std::string& stage);

/// Process mode: <job>/.competition/{data,description.md} as symlinks to the
/// competition's host paths (stale ones replaced), made through `job_fd`.
result<ok_t> link_competition(int job_fd, const std::string& data_dir,
                              const std::string& description);

} // namespace kagent::sandbox
