#define CAF_SUITE sandbox.spawn
#include "caf/test/dsl.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sandbox/spawn.hpp"
#include "sandbox/stage_user.hpp"

using namespace kagent::sandbox;
namespace fs = std::filesystem;

namespace {

spawn_spec shell(const std::string& script) {
  spawn_spec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.env = {"PATH=/usr/bin:/bin"};
  return spec;
}

std::string output_of(spawn_spec spec, int* code = nullptr) {
  std::string out;
  auto rc = run_to_end(std::move(spec), out);
  if (code)
    *code = rc;
  return out;
}

const char* ptrace_probe = "/usr/bin/python3 -c \"import ctypes; "
                           "libc = ctypes.CDLL(None, use_errno=True); "
                           "print('ptrace', 'ok' if libc.ptrace(0, 0, 0, 0) == 0 else 'refused')\"";

} // namespace

CAF_TEST(a program that cannot start is a failure that names it) {
  spawn_spec spec;
  spec.argv = {"/nonexistent/program"};
  auto pid = spawn(spec);
  CAF_REQUIRE(!pid);
  CAF_CHECK_EQUAL(pid.error(), "exec /nonexistent/program: No such file or directory");
  auto bad_cwd = shell("true");
  bad_cwd.cwd = "/nonexistent";
  auto r = spawn(bad_cwd);
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(r.error(), "chdir /nonexistent: No such file or directory");
}

CAF_TEST(only the environment given and the descriptors kept reach the program) {
  ::setenv("KAGGLE_KEY", "secret", 1);
  int fds[2];
  CAF_REQUIRE_EQUAL(::pipe2(fds, O_CLOEXEC), 0);
  auto spec = shell("env; ls /proc/self/fd | wc -l");
  spec.keep_fds = {fds[0]};
  auto out = output_of(spec);
  CAF_CHECK_EQUAL(out.find("secret"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(out.find("PATH=/usr/bin:/bin"), std::string::npos);
  // 0, 1, 2, the kept read end, and ls's own directory descriptor.
  CAF_CHECK_NOT_EQUAL(out.find("\n5\n"), std::string::npos);
  ::close(fds[0]);
  ::close(fds[1]);
  ::unsetenv("KAGGLE_KEY");
}

CAF_TEST(the confining filter refuses ptrace and optionally new user namespaces) {
  CAF_CHECK_NOT_EQUAL(output_of(shell(ptrace_probe)).find("ptrace ok"), std::string::npos);
  auto confined = shell(ptrace_probe);
  confined.confine = true;
  CAF_CHECK_NOT_EQUAL(output_of(confined).find("ptrace refused"), std::string::npos);
  auto userns = shell("unshare -U true && echo userns=made || echo userns=refused");
  userns.confine = true;
  CAF_CHECK_NOT_EQUAL(output_of(userns).find("userns=made"), std::string::npos);
  userns.seccomp.deny_user_namespaces = true;
  CAF_CHECK_NOT_EQUAL(output_of(userns).find("userns=refused"), std::string::npos);
  // Threads still start (clone3 answers ENOSYS, libc falls back to clone).
  auto threads = shell("/usr/bin/python3 -c \"import threading; t = threading.Thread("
                       "target=print, args=('thread ran',)); t.start(); t.join()\"");
  threads.confine = true;
  threads.seccomp.deny_user_namespaces = true;
  CAF_CHECK_NOT_EQUAL(output_of(threads).find("thread ran"), std::string::npos);
}

CAF_TEST(as root the program really changes uid and reaches staged binds) {
  if (::geteuid() != 0) {
    CAF_MESSAGE("not root: skipped");
    return;
  }
  char tmpl[] = "/tmp/kagent-spawn-XXXXXX";
  fs::path root = ::mkdtemp(tmpl); // 0700 root: nobody cannot search it
  fs::create_directories(root / "job");
  ::chown((root / "job").c_str(), 65534, 65534);
  std::ofstream{root / "data.txt"} << "visible\n";
  ::mkdir("/run/kagent", 0755);
  auto spec = shell("id -u; cat /run/kagent/data.txt; touch /run/kagent/job/w && echo job=rw; "
                    "touch /run/kagent/x 2>/dev/null || echo staging=ro; cat /etc/shadow "
                    ">/dev/null 2>&1 || echo shadow=refused; test -e " + root.string()
                    + "/data.txt || echo host-path=unreachable");
  spec.user = {true, 65534, 65534, "nobody"};
  spec.staging_root = "/run/kagent";
  spec.staging = {{(root / "job").string(), "/run/kagent/job", true, false},
                  {(root / "data.txt").string(), "/run/kagent/data.txt", false, true}};
  int code = -1;
  auto out = output_of(spec, &code);
  CAF_CHECK_EQUAL(code, 0);
  for (auto line : {"65534\n", "visible\n", "job=rw\n", "staging=ro\n", "shadow=refused\n",
                    "host-path=unreachable\n"})
    CAF_CHECK_EQUAL(out.find(line) != std::string::npos ? line : out, line);
  CAF_CHECK(fs::exists(root / "job" / "w"));
  // Private to the child: nothing is mounted on the host.
  CAF_CHECK(!fs::exists("/run/kagent/job"));
  fs::remove_all(root);
}
