#define CAF_SUITE launcher.llm_socket
#include "launcher_fixture.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "sandbox/options.hpp"
#include "sandbox/stage_layout.hpp"

using namespace kagent;
using namespace kagent::launcher_testing;

namespace {

/// A Unix socket listening at `path` (connections wait in the backlog),
/// mode 0600 like the proxy's.
struct unix_listener {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  std::string path;
  explicit unix_listener(const std::string& p) : path(p) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    auto old = ::umask(0177);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::umask(old);
    ::listen(fd, 8);
  }
  /// As the proxy does as root: the stage user owns the socket.
  void give_to(const sandbox::identity& who) {
    if (who.change)
      CAF_REQUIRE_EQUAL(::chown(path.c_str(), who.uid, who.gid), 0);
  }
  ~unix_listener() { ::close(fd); }
};

std::string connect_probe(const std::string& path, const std::string& name) {
  return "{python} -c \"import socket\ns = socket.socket(socket.AF_UNIX)\ntry:\n"
         "  s.connect('" + path + "'); print('" + name + "=reachable')\n"
         "except OSError as e:\n  print('" + name + "=unreachable')\"";
}

stage_request with_llm(stage_request r) {
  r.llm_access = true;
  return r;
}

size_t find_triple(const std::vector<std::string>& a, const std::string& x, const std::string& y,
                   const std::string& z) {
  for (size_t i = 0; i + 2 < a.size(); ++i)
    if (a[i] == x && a[i + 1] == y && a[i + 2] == z)
      return i;
  return std::string::npos;
}

} // namespace

CAF_TEST(the socket is bound read-only at its sandbox path and only with a path given) {
  sandbox::bwrap_mounts m;
  m.job = "/run/kagent/job";
  m.llm_socket = "/run/kagent/llm.sock";
  auto with = sandbox::bwrap_prefix("/usr/bin/bwrap", m, 0);
  auto at = find_triple(with, "--ro-bind", "/run/kagent/llm.sock", sandbox::sandboxed_llm_socket);
  CAF_REQUIRE_NOT_EQUAL(at, std::string::npos);
  // Before the root is remounted read-only, and the network stays unshared.
  auto remount = std::find(with.begin(), with.end(), "--remount-ro") - with.begin();
  CAF_CHECK_LESS(at, static_cast<size_t>(remount));
  CAF_CHECK(std::find(with.begin(), with.end(), "--share-net") == with.end());
  CAF_CHECK(std::find(with.begin(), with.end(), "--unshare-all") != with.end());
  m.llm_socket.clear();
  auto without = sandbox::bwrap_prefix("/usr/bin/bwrap", m, 0);
  CAF_CHECK(std::find(without.begin(), without.end(), sandbox::sandboxed_llm_socket)
            == without.end());
  sandbox::stage_paths p{"/job", "/competition", "", "/usr/bin/python3", "/run/kagent/llm.sock"};
  CAF_CHECK_EQUAL(sandbox::replace_placeholders("--llm-socket={llm_socket}", p),
                  "--llm-socket=/run/kagent/llm.sock");
  p.llm_socket.clear();
  CAF_CHECK_EQUAL(sandbox::replace_placeholders("--llm-socket={llm_socket}", p), "--llm-socket=");
}

CAF_TEST(a relative socket path is refused) {
  sandbox::options opts;
  sandbox::host_setup host;
  sandbox::stage_call call;
  call.argv = {"/bin/true"};
  call.job_dir = "/var/kagent/jobs/j";
  call.llm_socket = "relative.sock";
  call.name = "j-plan-1";
  auto p = sandbox::prepare_stage(opts, host, call);
  CAF_REQUIRE(!p);
  CAF_CHECK(p.error().find("absolute") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE(llm_socket_tests, fixture)

CAF_TEST(an llm stage reaches the proxy socket and nothing else) {
  auto path = (root / "llm.sock").string();
  unix_listener proxy{path};
  llm_socket = path;
  start("bwrap");
  proxy.give_to(host->user);
  auto out = run(with_llm(shell(connect_probe("{llm_socket}", "llm") + "; "
                                + connect_probe(path, "host-path") + "; echo sock={llm_socket}")));
  CAF_REQUIRE(!out.err);
  CAF_CHECK(has_line(out, "llm=reachable"));
  CAF_CHECK(has_line(out, "host-path=unreachable"));
  CAF_CHECK(has_line(out, "sock=/run/kagent/llm.sock"));
}

CAF_TEST(a stage without llm access has no socket even when the launcher has one) {
  auto path = (root / "llm.sock").string();
  unix_listener proxy{path};
  llm_socket = path;
  start("bwrap");
  proxy.give_to(host->user);
  auto out = run(shell(connect_probe("/run/kagent/llm.sock", "llm") + "; "
                       + connect_probe(path, "host-path") + "; echo sock={llm_socket}"
                       + "; test -e /run/kagent || echo run-kagent=absent"));
  CAF_REQUIRE(!out.err);
  CAF_CHECK(has_line(out, "llm=unreachable"));
  CAF_CHECK(has_line(out, "host-path=unreachable"));
  CAF_CHECK(has_line(out, "sock="));
  CAF_CHECK(has_line(out, "run-kagent=absent"));
}

CAF_TEST(process mode hands an llm stage a path it reaches) {
  auto path = (root / "llm.sock").string();
  unix_listener proxy{path};
  llm_socket = path;
  start("process");
  proxy.give_to(host->user);
  auto out = run(with_llm(shell(connect_probe("{llm_socket}", "llm") + "; echo sock={llm_socket}")));
  CAF_REQUIRE(!out.err);
  CAF_CHECK(has_line(out, "llm=reachable"));
  // As root the stage reaches it at its staged path, like the job dir; else at its own.
  CAF_CHECK(has_line(out, host->user.change ? "sock=/run/kagent/llm.sock" : "sock=" + path));
}

CAF_TEST_FIXTURE_SCOPE_END()
