#include "actors/sandbox_command.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "core/error.hpp"
#include "core/llm_dialect.hpp"

namespace fs = std::filesystem;

namespace kagent {

namespace {

bool absolute_or_empty(const std::string& p) {
  return p.empty() || p.front() == '/';
}

} // namespace

stage_paths paths_for(const stage_request& req, const std::string& mode,
                      const std::string& stage_bin, const std::string& python,
                      const std::string& llm_socket) {
  if (mode == "bwrap")
    return {"/job", "/competition", sandboxed_stage_bin, python,
            llm_socket.empty() ? "" : sandboxed_llm_socket};
  return {req.job_dir, req.job_dir + "/.competition", stage_bin, python, llm_socket};
}

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

caf::expected<std::vector<std::string>> sandbox_argv(const stage_request& req,
                                                     const sandbox_options& opts,
                                                     const std::string& stage_bin,
                                                     const std::string& python,
                                                     const std::string& llm_socket) {
  if (opts.mode != "bwrap" && opts.mode != "process")
    return make_error(errc::invalid_input,
                      "unknown sandbox mode '" + opts.mode + "' (bwrap|process)");
  if (req.argv.empty())
    return make_error(errc::invalid_input, "stage request without argv");
  if (req.job_dir.empty() || !absolute_or_empty(req.job_dir)
      || !absolute_or_empty(req.competition_dir) || !absolute_or_empty(req.description)
      || !absolute_or_empty(stage_bin) || !absolute_or_empty(llm_socket))
    return make_error(errc::invalid_input, "stage request paths must be absolute");
  auto paths = paths_for(req, opts.mode, stage_bin, python, llm_socket);
  std::vector<std::string> out;
  if (opts.mode == "bwrap") {
    // Debian 12 is merged-/usr: /lib, /lib64, /bin and /sbin are symlinks.
    // --cap-drop ALL matters: run as root, bwrap keeps every capability and
    // the stage could remount /usr read-write (seen with bwrap 0.8.0).
    // clang-format off
    out = {opts.bwrap,
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
           "--dir", "/competition"};
    // clang-format on
    if (!req.competition_dir.empty())
      out.insert(out.end(), {"--ro-bind", req.competition_dir, "/competition/data"});
    if (!req.description.empty())
      out.insert(out.end(), {"--ro-bind", req.description, "/competition/description.md"});
    out.insert(out.end(), {"--bind", req.job_dir, "/job"});
    if (!stage_bin.empty())
      out.insert(out.end(), {"--ro-bind", stage_bin, sandboxed_stage_bin});
    // The network namespace stays unshared: a socket file is reached by its
    // path, so this bind is the stage's only way out, to the proxy.
    if (!llm_socket.empty())
      out.insert(out.end(), {"--ro-bind", llm_socket, sandboxed_llm_socket});
    // Last: bwrap's root is a writable tmpfs until it is remounted read-only;
    // /job and /tmp are their own mounts and stay writable.
    out.insert(out.end(), {"--remount-ro", "/", "--chdir", "/job", "--"});
  }
  for (auto& arg : req.argv)
    out.push_back(replace_placeholders(arg, paths));
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

caf::error prepare_competition_links(const stage_request& req) {
  std::error_code ec;
  fs::path dir = fs::path{req.job_dir} / ".competition";
  fs::create_directories(dir, ec);
  if (ec)
    return make_error(errc::internal, "create " + dir.string() + ": " + ec.message());
  auto link = [&](const std::string& target, const char* name) -> caf::error {
    auto at = dir / name;
    fs::remove(at, ec); // a stale link from an earlier attempt
    if (target.empty())
      return caf::none;
    fs::create_symlink(target, at, ec);
    if (ec)
      return make_error(errc::internal, "link " + at.string() + ": " + ec.message());
    return caf::none;
  };
  if (auto err = link(req.competition_dir, "data"))
    return err;
  return link(req.description, "description.md");
}

} // namespace kagent
