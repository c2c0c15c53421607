#include "sandbox/self_check.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <memory>

#include "sandbox/child_process.hpp"
#include "sandbox/job_dir.hpp"

namespace kagent::sandbox {

namespace {

/// A temp dir the stage user owns, removed on destruction.
struct temp_job_dir {
  std::string path;
  ~temp_job_dir() {
    if (!path.empty())
      ::rmdir(path.c_str());
  }
};

} // namespace

result<ok_t> check_sandbox(const options& opts, const host_setup& host) {
  if (opts.mode != "bwrap")
    return ok_t{};
  const std::string fix = "; install bubblewrap (apt install bubblewrap) and allow unprivileged "
                          "user namespaces (user.max_user_namespaces > 0), or run with "
                          "--sandbox=process (no isolation)";
  if (::access(opts.bwrap.c_str(), X_OK) != 0)
    return fail("bubblewrap not found at " + opts.bwrap + fix);
  char tmpl[] = "/tmp/kagent-sandbox-check-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr)
    return fail("sandbox check: cannot create a temp dir");
  temp_job_dir dir{tmpl};
  if (host.user.change && ::chown(tmpl, host.user.uid, host.user.gid) != 0)
    return fail("sandbox check: cannot hand a temp dir to " + host.user.name);
  stage_call call;
  call.argv = {"/bin/true"};
  call.job_dir = tmpl;
  call.python = "/usr/bin/python3";
  call.name = "check-" + std::to_string(::getpid());
  auto prepared = prepare_stage(opts, host, call);
  if (!prepared)
    return fail("sandbox check: " + prepared.error() + fix);
  auto stderr_tail = std::make_shared<std::string>();
  auto exited = std::make_shared<std::promise<child_exit>>();
  auto done = exited->get_future();
  auto child = child_process::spawn(
    std::move(prepared->spec), std::move(prepared->cgroup),
    [stderr_tail](child_stream s, std::string line) {
      if (s == child_stream::err && !line.empty())
        *stderr_tail = std::move(line);
    },
    [exited](const child_exit& ex) { exited->set_value(ex); });
  prepared->fds.clear();
  if (!child)
    return fail("cannot run " + opts.bwrap + ": " + child.error() + fix);
  if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
    return fail("bubblewrap did not finish /bin/true in 10 s" + fix);
  auto ex = done.get();
  if (ex.code != 0 || ex.signal != 0)
    return fail("bubblewrap cannot create a sandbox here as " + host.user.name + " (exit "
                + std::to_string(ex.code) + "): " + *stderr_tail + fix);
  return ok_t{};
}

} // namespace kagent::sandbox
