#define CAF_SUITE launcher.bwrap
#include "launcher_fixture.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <cstdlib>

using namespace kagent;
using namespace kagent::launcher_testing;
using namespace std::chrono_literals;

namespace {

/// A TCP listener on 127.0.0.1 of the host network namespace.
struct listener {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int port = 0;

  listener() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
    ::listen(fd, 4);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }

  ~listener() { ::close(fd); }
};

/// A python one-liner that prints net=open or net=blocked for 127.0.0.1:port.
std::string probe_net(int port) {
  return "{python} -c \"import socket\n"
         "try:\n"
         "  socket.create_connection(('127.0.0.1', "
         + std::to_string(port)
         + "), timeout=2); print('net=open')\n"
           "except OSError as e:\n"
           "  print('net=blocked')\"";
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(bwrap_tests, fixture)

CAF_TEST(the sandbox confines the file system to the job dir and tmp) {
  start("bwrap");
  auto out = run(shell("echo data > /job/written && echo job=rw; "
                       "echo data > {job}/written2 && echo placeholder=rw; "
                       "touch /tmp/x && echo tmp=rw; "
                       "touch /usr/x 2>/dev/null || echo usr=ro; "
                       "touch /etc/x 2>/dev/null || echo etc=ro; "
                       "touch /x 2>/dev/null || echo root=ro; "
                       "touch /competition/data/x 2>/dev/null || echo data=ro; "
                       "touch /competition/description.md 2>/dev/null || echo description=ro; "
                       "cat /competition/data/train.csv /competition/description.md; "
                       "test -e "
                       + root.string()
                       + " || echo host-paths=hidden; "
                         "test -e /work || echo work=hidden; "
                         "mount -o remount,rw,bind /usr 2>/dev/null || echo remount=denied; "
                         "{stage_bin} && echo stage-bin=ran; "
                         "test -e /etc/shadow || echo shadow=absent; "
                         "grep -q '^kagent-sandbox:' /etc/passwd && echo passwd=generated; "
                         "[ $(id -u) -ne 0 ] && echo uid=unprivileged; "
                         "touch /dev/x 2>/dev/null || echo dev=ro; "
                         "touch /dev/shm/x && echo shm=rw; "
                         "pwd"));
  CAF_REQUIRE(!out.err);
  CAF_CHECK_EQUAL(out.result.exit_code, 0);
  for (auto line : {"job=rw", "placeholder=rw", "tmp=rw", "usr=ro", "etc=ro", "root=ro", "data=ro",
                    "description=ro", "id,y", "1,0", "# Titanic", "host-paths=hidden",
                    "work=hidden", "remount=denied", "stage-bin=ran", "shadow=absent",
                    "passwd=generated", "uid=unprivileged", "dev=ro", "shm=rw", "/job"})
    CAF_CHECK_EQUAL(has_line(out, line) ? std::string{line} : "<missing>", line);
  CAF_CHECK_EQUAL(slurp(root / "job" / "written"), "data\n");
  CAF_CHECK(!fs::exists(root / "comp" / "x"));
}

CAF_TEST(the sandbox has no network while the host has one) {
  listener server;
  CAF_REQUIRE_GREATER(server.port, 0);
  start("process");
  auto control = run(shell(probe_net(server.port)));
  CAF_CHECK(has_line(control, "net=open"));
  self->send_exit(launcher, caf::exit_reason::user_shutdown);
  start("bwrap");
  auto out = run(shell(probe_net(server.port) + "; cat /proc/net/dev"));
  CAF_CHECK(has_line(out, "net=blocked"));
  for (auto& ev : out.events)
    CAF_CHECK_EQUAL(ev.message.find("eth"), std::string::npos);
}

CAF_TEST(secrets of kagentd never reach a stage) {
  ::setenv("KAGGLE_KEY", "kaggle-secret", 1);
  ::setenv("KAGGLE_USERNAME", "kaggle-user", 1);
  ::setenv("OPENAI_API_KEY", "openai-secret", 1);
  ::setenv("DATABASE_URL", "postgres://u:pw-secret@db/kagent", 1);
  for (auto mode : {"bwrap", "process"}) {
    start(mode);
    auto out = run(shell("env"));
    CAF_REQUIRE(!out.err);
    CAF_CHECK_GREATER(out.events.size(), 5u);
    for (auto& ev : out.events) {
      CAF_CHECK_EQUAL(ev.message.find("secret"), std::string::npos);
      CAF_CHECK_EQUAL(ev.message.find("KAGGLE"), std::string::npos);
      CAF_CHECK_EQUAL(ev.message.find("DATABASE_URL"), std::string::npos);
    }
    CAF_CHECK(has_line(out, "PATH=/usr/bin:/bin"));
    // Process mode as root sees its job dir where the stage's mounts put it.
    auto home = mode == std::string{"bwrap"} ? std::string{"/job"}
                : host->user.change          ? std::string{"/run/kagent/job"}
                                             : (root / "job").string();
    CAF_CHECK(has_line(out, "HOME=" + home));
    self->send_exit(launcher, caf::exit_reason::user_shutdown);
  }
  for (auto key : {"KAGGLE_KEY", "KAGGLE_USERNAME", "OPENAI_API_KEY", "DATABASE_URL"})
    ::unsetenv(key);
}

CAF_TEST(a sandboxed stage past its deadline dies with everything it started) {
  start("bwrap");
  auto out = run(shell("sleep 100.8181 & trap '' TERM; echo started; sleep 100.8282", 300));
  CAF_REQUIRE(!out.err);
  CAF_CHECK(out.result.timed_out);
  CAF_CHECK(has_line(out, "started"));
  CAF_CHECK(gone("100.8181"));
  CAF_CHECK(gone("100.8282"));
}

CAF_TEST(a sandboxed stage can run python and read its outputs back) {
  start("bwrap");
  auto req = shell("{python} -c \"import json; print(json.dumps({'progress': 0.5, "
                   "'message': 'half'})); open('/job/submission.csv', 'w').write('id,y\\n')\"");
  req.outputs = {"submission.csv"};
  auto out = run(req);
  CAF_REQUIRE(!out.err);
  CAF_CHECK_EQUAL(out.result.exit_code, 0);
  CAF_REQUIRE_EQUAL(out.events.size(), 1u);
  CAF_CHECK_EQUAL(out.events[0].kind, "progress");
  CAF_CHECK_EQUAL(out.events[0].message, "half");
  CAF_CHECK_EQUAL(out.result.outputs["submission.csv"], "id,y\n");
}

CAF_TEST_FIXTURE_SCOPE_END()
