#define CAF_SUITE launcher.llm_socket
#include "launcher_fixture.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include "actors/sandbox_command.hpp"

using namespace kagent;
using namespace kagent::launcher_testing;

namespace {

/// A Unix socket listening at `path` (connections wait in the backlog).
struct unix_listener {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  explicit unix_listener(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd, 8);
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

} // namespace

CAF_TEST(the socket is bound read-only at its sandbox path and only with a path given) {
  stage_request req;
  req.job_id = "j";
  req.argv = {"{stage_bin}", "plan", "--llm-socket={llm_socket}"};
  req.job_dir = "/var/kagent/jobs/j";
  sandbox_options bw;
  auto with = sandbox_argv(req, bw, "/usr/lib/kagent-stage", "/usr/bin/python3", "/var/run/llm.sock");
  CAF_REQUIRE(with);
  auto& a = *with;
  auto bind = std::find(a.begin(), a.end(), "/var/run/llm.sock");
  CAF_REQUIRE(bind != a.end());
  CAF_CHECK_EQUAL(*(bind - 1), "--ro-bind");
  CAF_CHECK_EQUAL(*(bind + 1), "/run/kagent/llm.sock");
  CAF_CHECK_EQUAL(a.back(), "--llm-socket=/run/kagent/llm.sock");
  auto without = sandbox_argv(req, bw, "/usr/lib/kagent-stage", "/usr/bin/python3");
  CAF_REQUIRE(without);
  CAF_CHECK(std::find(without->begin(), without->end(), "/run/kagent/llm.sock") == without->end());
  CAF_CHECK_EQUAL(without->back(), "--llm-socket=");
  sandbox_options proc;
  proc.mode = "process";
  auto host = sandbox_argv(req, proc, "/usr/lib/kagent-stage", "", "/var/run/llm.sock");
  CAF_REQUIRE(host);
  CAF_CHECK_EQUAL(host->back(), "--llm-socket=/var/run/llm.sock");
  CAF_CHECK(!sandbox_argv(req, bw, "/usr/lib/kagent-stage", "", "relative.sock"));
}

CAF_TEST_FIXTURE_SCOPE(llm_socket_tests, fixture)

CAF_TEST(an llm stage reaches the proxy socket and nothing else) {
  auto path = (root / "llm.sock").string();
  unix_listener proxy{path};
  llm_socket = path;
  start("bwrap");
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
  auto out = run(shell(connect_probe("/run/kagent/llm.sock", "llm") + "; "
                       + connect_probe(path, "host-path")
                       + "; test -e /run/kagent || echo run-kagent=absent"));
  CAF_REQUIRE(!out.err);
  CAF_CHECK(has_line(out, "llm=unreachable"));
  CAF_CHECK(has_line(out, "host-path=unreachable"));
  CAF_CHECK(has_line(out, "run-kagent=absent"));
}

CAF_TEST(process mode hands an llm stage the host path) {
  auto path = (root / "llm.sock").string();
  unix_listener proxy{path};
  llm_socket = path;
  start("process");
  auto out = run(with_llm(shell(connect_probe("{llm_socket}", "llm"))));
  CAF_REQUIRE(!out.err);
  CAF_CHECK(has_line(out, "llm=reachable"));
}

CAF_TEST_FIXTURE_SCOPE_END()
