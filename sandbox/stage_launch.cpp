#include "sandbox/stage_launch.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <tuple>

#include "sandbox/job_dir.hpp"
#include "sandbox/stage_layout.hpp"
#include "sandbox/stage_user.hpp"

namespace kagent::sandbox {

namespace {

bool absolute_or_empty(const std::string& p) {
  return p.empty() || p.front() == '/';
}

/// As root, stages reach their files through binds below this directory in
/// a private mount namespace (spawn_spec::staging); it is only a mount point.
constexpr const char* staging_root = "/run/kagent";

/// A sealed-in-memory file bwrap copies into the sandbox's /etc.
result<unique_fd> memory_file(const etc_file& f) {
  unique_fd fd{static_cast<int>(::memfd_create(f.name.c_str(), MFD_CLOEXEC))};
  if (!fd)
    return fail(std::string{"memfd_create: "} + std::strerror(errno));
  if (::write(fd.get(), f.content.data(), f.content.size())
        != static_cast<ssize_t>(f.content.size())
      || ::lseek(fd.get(), 0, SEEK_SET) != 0)
    return fail("cannot fill /etc/" + f.name + ": " + std::strerror(errno));
  return fd;
}

/// Where the program (bwrap, or the stage in process mode) finds a stage's files.
struct sources {
  std::string job, competition, data, description, stage_bin, llm_socket;
};

/// Our own uid: the host paths. As root: binds made by the child while
/// still root (spawn_spec::staging), so the stage's uid needs no search
/// right on the host directories above them. The job dir must be a real
/// directory (checked here, without following a link): the stage owns it,
/// but not the root-owned directory it sits in, so it cannot swap it later.
result<sources> sources_for(const host_setup& host, const stage_call& call, prepared_stage& p) {
  if (!host.user.change)
    return sources{call.job_dir,         call.job_dir + "/.competition", call.competition_dir,
                   call.description,     call.stage_bin,                 call.llm_socket};
  auto job_fd = open_directory(call.job_dir);
  if (!job_fd)
    return fail(job_fd.error());
  std::string root = staging_root;
  p.spec.staging_root = root;
  auto bind = [&](const std::string& path, const std::string& name, bool dir, bool ro) {
    p.spec.staging.push_back({path, root + "/" + name, dir, ro});
    return root + "/" + name;
  };
  sources out;
  out.job = bind(call.job_dir, "job", true, false);
  out.competition = root + "/competition";
  p.spec.staging.push_back({"", out.competition, true, false});
  using item = std::tuple<const std::string*, std::string*, const char*, bool>;
  for (auto [path, slot, name, dir] :
       {item{&call.competition_dir, &out.data, "competition/data", true},
        item{&call.description, &out.description, "competition/description.md", false},
        item{&call.stage_bin, &out.stage_bin, "stage-bin", false},
        item{&call.llm_socket, &out.llm_socket, "llm.sock", false}}) {
    if (path->empty())
      continue;
    *slot = bind(*path, name, dir, true);
  }
  return out;
}

result<ok_t> bwrap_command(const options& opts, const host_setup& host, const stage_call& call,
                           const sources& src, prepared_stage& p) {
  if (call.python.rfind("/usr/", 0) != 0 && call.python != sandboxed_stage_bin)
    return fail("the bwrap sandbox only mounts /usr: python must live there, not " + call.python);
  bwrap_mounts m{src.job, src.data, src.description, src.stage_bin, src.llm_socket,
                 {},      shared_etc_entries()};
  for (auto& f : minimal_etc(host.user)) {
    auto fd = memory_file(f);
    if (!fd)
      return fail(fd.error());
    m.etc.emplace_back(fd->get(), f.name);
    p.spec.keep_fds.push_back(fd->get());
    p.fds.push_back(std::move(*fd));
  }
  p.spec.argv = bwrap_prefix(opts.bwrap, m, opts.tmp_bytes);
  stage_paths inside{"/job", "/competition", call.stage_bin.empty() ? "" : sandboxed_stage_bin,
                     call.python, call.llm_socket.empty() ? "" : sandboxed_llm_socket};
  for (auto& arg : call.argv)
    p.spec.argv.push_back(replace_placeholders(arg, inside));
  p.spec.env = stage_environment("/job");
  p.spec.cwd = "/"; // bwrap changes to /job inside
  return ok_t{};
}

result<ok_t> process_command(const host_setup& host, const stage_call& call, const sources& src,
                             prepared_stage& p) {
  if (!host.user.change) {
    // No private mounts without root: the competition is linked into the job dir.
    auto job = open_directory(call.job_dir);
    if (!job)
      return fail(job.error());
    if (auto r = link_competition(job->get(), call.competition_dir, call.description); !r)
      return fail(r.error());
  }
  stage_paths seen{src.job, src.competition, src.stage_bin, call.python, src.llm_socket};
  for (auto& arg : call.argv)
    p.spec.argv.push_back(replace_placeholders(arg, seen));
  p.spec.env = stage_environment(src.job);
  p.spec.cwd = src.job;
  return ok_t{};
}

} // namespace

std::string host_setup::describe(const options& opts) const {
  std::string who = user.change ? "uid " + std::to_string(user.uid) + " (" + user.name + ")"
                                : "uid " + std::to_string(user.uid) + " (kagentd's own)";
  if (!cgroups)
    return who + "; WARNING no cgroup (" + cgroup_problem
           + "): processes and memory per stage are not bounded";
  return who + ", " + cgroups->describe() + ": memory " + std::to_string(opts.stage_memory_bytes)
         + " bytes and " + std::to_string(opts.processes) + " tasks per stage"
         + (opts.mode == "bwrap" ? ", tmpfs " + std::to_string(opts.tmp_bytes) + " bytes" : "");
}

result<host_setup> setup_host(const options& opts) {
  if (opts.mode != "bwrap" && opts.mode != "process")
    return fail("unknown sandbox mode '" + opts.mode + "' (bwrap|process)");
  if (opts.cgroup != "required" && opts.cgroup != "optional")
    return fail("unknown cgroup setting '" + opts.cgroup + "' (required|optional)");
  host_setup host;
  auto who = stage_identity(opts.user);
  if (!who)
    return fail(who.error());
  host.user = *who;
  if (host.user.change && ::mkdir(staging_root, 0755) != 0 && errno != EEXIST)
    return fail(std::string{"cannot create "} + staging_root + ": " + std::strerror(errno));
  auto root = make_cgroup_root();
  if (root) {
    host.cgroups = *root;
    return host;
  }
  host.cgroup_problem = root.error();
  if (opts.mode == "process")
    return fail("--sandbox=process needs a cgroup to end every process of a stage: "
                + root.error());
  if (opts.cgroup == "required")
    return fail(root.error() + " (and --cgroup=required)");
  return host;
}

void teardown_host(const host_setup& host) {
  if (host.cgroups)
    remove_cgroup_root(*host.cgroups);
}

result<prepared_stage> prepare_stage(const options& opts, const host_setup& host,
                                     const stage_call& call) {
  if (call.argv.empty())
    return fail("stage without argv");
  if (call.job_dir.empty() || !absolute_or_empty(call.job_dir)
      || !absolute_or_empty(call.competition_dir) || !absolute_or_empty(call.description)
      || !absolute_or_empty(call.stage_bin) || !absolute_or_empty(call.llm_socket))
    return fail("stage paths must be absolute");
  if (opts.mode != "bwrap" && opts.mode != "process")
    return fail("unknown sandbox mode '" + opts.mode + "' (bwrap|process)");
  prepared_stage p;
  auto src = sources_for(host, call, p);
  if (!src)
    return fail(src.error());
  auto built = opts.mode == "bwrap" ? bwrap_command(opts, host, call, *src, p)
                                    : process_command(host, call, *src, p);
  if (!built)
    return fail(built.error());
  p.spec.limits = {opts.memory_bytes, opts.cpu_seconds, opts.file_bytes};
  p.spec.user = host.user;
  // Fires when the spawning thread exits: spawn from a long-lived thread.
  p.spec.parent_death_signal = SIGKILL;
  p.spec.confine = true;
  p.spec.seccomp.deny_user_namespaces = opts.mode == "process";
  if (host.cgroups) {
    if (!is_plain_name(call.name))
      return fail("bad cgroup name '" + call.name + "'");
    auto cg = stage_cgroup::create(*host.cgroups, call.name,
                                   {opts.stage_memory_bytes, opts.processes});
    if (!cg)
      return fail(cg.error());
    p.cgroup.emplace(std::move(*cg));
  }
  return p;
}

} // namespace kagent::sandbox
