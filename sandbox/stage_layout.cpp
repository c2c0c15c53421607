#include "sandbox/stage_layout.hpp"

#include <cstdlib>

#include "sandbox/options.hpp"

namespace kagent::sandbox {

std::string replace_placeholders(const std::string& arg, const stage_paths& p) {
  const std::pair<const char*, const std::string*> names[] = {
    {"{job}", &p.job},
    {"{competition}", &p.competition},
    {"{stage_bin}", &p.stage_bin},
    {"{python}", &p.python},
    {"{llm_socket}", &p.llm_socket},
  };
  std::string out;
  size_t i = 0;
  // One left-to-right pass: replaced text is never scanned again.
  while (i < arg.size()) {
    bool hit = false;
    if (arg[i] == '{')
      for (auto& [name, value] : names)
        if (arg.compare(i, std::char_traits<char>::length(name), name) == 0) {
          out += *value;
          i += std::char_traits<char>::length(name);
          hit = true;
          break;
        }
    if (!hit)
      out += arg[i++];
  }
  return out;
}

std::vector<std::string> bwrap_prefix(const std::string& bwrap, const bwrap_mounts& m,
                                      int64_t tmp_bytes) {
  auto fd = [](int x) { return std::to_string(x); };
  auto sized_tmpfs = [&](std::vector<std::string>& out, const char* where) {
    out.insert(out.end(), {"--perms", "1777"});
    if (tmp_bytes > 0)
      out.insert(out.end(), {"--size", std::to_string(tmp_bytes)});
    out.insert(out.end(), {"--tmpfs", where});
  };
  // Debian 12 is merged-/usr: /lib, /lib64, /bin and /sbin are symlinks.
  // bwrap runs as the unprivileged stage user, so it makes a user namespace;
  // --disable-userns then stops the stage from making another one.
  // clang-format off
  std::vector<std::string> out = {bwrap,
    "--unshare-all", "--unshare-user", "--disable-userns",
    "--die-with-parent",
    "--cap-drop", "ALL",
    "--ro-bind", "/usr", "/usr",
    "--symlink", "usr/lib", "/lib",
    "--symlink", "usr/lib64", "/lib64",
    "--symlink", "usr/bin", "/bin",
    "--symlink", "usr/sbin", "/sbin",
    "--dir", "/etc"};
  // clang-format on
  for (auto& [file_fd, name] : m.etc)
    out.insert(out.end(), {"--ro-bind-data", fd(file_fd), "/etc/" + name});
  for (auto& entry : m.shared_etc)
    out.insert(out.end(), {"--ro-bind-try", "/etc/" + entry, "/etc/" + entry});
  out.insert(out.end(), {"--proc", "/proc", "--dev", "/dev"});
  sized_tmpfs(out, "/dev/shm");
  sized_tmpfs(out, "/tmp");
  out.insert(out.end(), {"--dir", "/competition"});
  if (!m.data.empty())
    out.insert(out.end(), {"--ro-bind", m.data, "/competition/data"});
  if (!m.description.empty())
    out.insert(out.end(), {"--ro-bind", m.description, "/competition/description.md"});
  out.insert(out.end(), {"--bind", m.job, "/job"});
  if (!m.stage_bin.empty())
    out.insert(out.end(), {"--ro-bind", m.stage_bin, sandboxed_stage_bin});
  // A socket file is reached by its path: with the network namespace
  // unshared, this bind is the stage's only way out, to the LLM proxy.
  if (!m.llm_socket.empty())
    out.insert(out.end(), {"--ro-bind", m.llm_socket, sandboxed_llm_socket});
  // Last: the root and /dev are writable tmpfs until remounted read-only;
  // /job, /tmp and /dev/shm are mounts of their own and stay writable.
  out.insert(out.end(), {"--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/job", "--"});
  return out;
}

std::vector<std::string> stage_environment(const std::string& home) {
  // One OpenMP/BLAS thread: spinning OpenMP teams made gradient boosting ~15x
  // slower on a busy 2-core host; the generated code parallelises with n_jobs.
  std::vector<std::string> env = {
    "PATH=/usr/bin:/bin",        "HOME=" + home,       "LANG=C.UTF-8",
    "PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1", "OMP_NUM_THREADS=1",
    "OPENBLAS_NUM_THREADS=1",    "MPLCONFIGDIR=/tmp",
  };
  // Some CPUs here need these for OpenBLAS to start at all.
  for (const char* key : {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"})
    if (const char* value = std::getenv(key))
      env.push_back(std::string{key} + "=" + value);
  return env;
}

} // namespace kagent::sandbox
