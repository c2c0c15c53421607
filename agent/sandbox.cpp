#include "agent/sandbox.hpp"

#include <sys/stat.h>

#include <cstdlib>

namespace kagent::agent {

std::string default_sandbox_mode() {
  struct stat st;
  return stat(default_bwrap, &st) == 0 && (st.st_mode & S_IXUSR) ? "bwrap" : "process";
}

std::vector<std::string> stage_env(const std::string& home) {
  // One OpenMP/BLAS thread, as the server's launcher sets: spinning OpenMP
  // teams made gradient boosting ~15x slower on a busy 2-core host.
  std::vector<std::string> env = {
      "PATH=/usr/bin:/bin",        "HOME=" + home,       "LANG=C.UTF-8",
      "PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1", "OMP_NUM_THREADS=1",
      "OPENBLAS_NUM_THREADS=1",    "MPLCONFIGDIR=/tmp",
  };
  for (const char* key : {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"})
    if (const char* value = std::getenv(key))
      env.push_back(std::string{key} + "=" + value);
  return env;
}

std::vector<std::string> bwrap_prefix(const sandbox_mounts& m, const std::string& bwrap) {
  // Debian 12 is merged-/usr: /lib, /lib64, /bin and /sbin are symlinks.
  // --cap-drop ALL: run as root, bwrap would otherwise keep every capability.
  // clang-format off
  std::vector<std::string> out = {bwrap,
      "--ro-bind", "/usr", "/usr",
      "--symlink", "usr/lib", "/lib",
      "--symlink", "usr/lib64", "/lib64",
      "--symlink", "usr/bin", "/bin",
      "--symlink", "usr/sbin", "/sbin",
      "--ro-bind", "/etc", "/etc",
      "--proc", "/proc",
      "--dev", "/dev",
      "--tmpfs", "/tmp",
      "--unshare-all",
      "--die-with-parent",
      "--cap-drop", "ALL",
      "--dir", "/competition",
      "--ro-bind", m.data_dir, "/competition/data"};
  // clang-format on
  if (!m.description.empty())
    out.insert(out.end(), {"--ro-bind", m.description, "/competition/description.md"});
  out.insert(out.end(), {"--bind", m.job_dir, "/job"});
  out.insert(out.end(), {"--ro-bind", m.stage_bin, sandboxed_stage});
  out.push_back("--clearenv");
  for (auto& kv : stage_env("/job")) {
    auto eq = kv.find('=');
    out.insert(out.end(), {"--setenv", kv.substr(0, eq), kv.substr(eq + 1)});
  }
  // Last: the root is a writable tmpfs until remounted read-only; /job and
  // /tmp are their own mounts and stay writable.
  out.insert(out.end(), {"--remount-ro", "/", "--chdir", "/job", "--"});
  return out;
}

} // namespace kagent::agent
