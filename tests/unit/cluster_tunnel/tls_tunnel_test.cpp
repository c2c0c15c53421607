#define CAF_SUITE cluster_tunnel
#include "caf/test/dsl.hpp"

#include "cluster/tls_tunnel.hpp"
#include "tunnel_fixture.hpp"

using namespace kagent;
using namespace kagent::cluster;
using namespace kagent::cluster::testing;

// CAF 0.17.6 has no CHECK/REQUIRE with a message of our own.
#define CHECK_SAYING(cond, msg)                                                \
  do {                                                                         \
    bool cond_holds = static_cast<bool>(cond);                                 \
    if (!cond_holds)                                                           \
      CAF_TEST_PRINT_ERROR(#cond << ": " << msg);                              \
    CAF_CHECK(cond_holds);                                                     \
  } while (false)
#define REQUIRE_SAYING(cond, msg)                                              \
  do {                                                                         \
    if (!(cond))                                                               \
      CAF_FAIL(#cond << ": " << msg);                                          \
  } while (false)

namespace {

struct fixture {
  cert_dirs certs;
  echo_server inner;
  std::unique_ptr<tls_tunnel> head, worker;

  fixture() {
    ignore_sigpipe();
    CAF_REQUIRE(certs.made);
    CAF_REQUIRE_NOT_EQUAL(inner.port(), 0);
    auto s = tls_tunnel::serve(certs.head, "127.0.0.1", 0, inner.port());
    REQUIRE_SAYING(s, s.error());
    head = std::move(*s);
    CAF_REQUIRE_NOT_EQUAL(head->local_port(), 0);
  }

  /// The worker end dialling the head with `files`.
  std::unique_ptr<tls_tunnel> dial(const tls_files& files) {
    auto d = tls_tunnel::dial(files, "127.0.0.1", head->local_port());
    REQUIRE_SAYING(d, d.error());
    return std::move(*d);
  }

  /// True when `msg` written to `fd` comes back unchanged.
  static bool echoes(int fd, const std::string& msg) {
    return send_all(fd, msg) && recv_up_to(fd, msg.size()) == msg;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(tls_tunnel_tests, fixture)

CAF_TEST(three mebibytes written through dial and serve come back byte for byte) {
  worker = dial(certs.worker);
  fd_guard fd{connect_local(worker->local_port())};
  CAF_REQUIRE_GREATER_OR_EQUAL(fd.fd, 0);
  auto data = pattern(3 * 1024 * 1024, 7);
  // Written from another thread: the echo comes back while we still write.
  bool sent = false;
  std::thread writer([&] { sent = send_all(fd.fd, data); });
  auto got = recv_up_to(fd.fd, data.size());
  writer.join();
  CAF_CHECK(sent);
  CAF_CHECK_EQUAL(got.size(), data.size());
  CAF_CHECK(got == data);
  CAF_CHECK_EQUAL(head->refused(), 0);
  CAF_CHECK_EQUAL(worker->refused(), 0);
}

CAF_TEST(a client without a certificate is refused before any echo) {
  auto end = tls_probe(head->local_port(), certs.head.ca);
  CHECK_SAYING(end == probe_end::handshake_failed || end == probe_end::closed,
                    "probe ended " << to_string(end));
  CAF_CHECK(wait_until([&] { return head->refused() == 1; }));
  CAF_CHECK_EQUAL(inner.accepted(), 0);
}

CAF_TEST(a client with a certificate from another CA is refused before any echo) {
  auto end = tls_probe(head->local_port(), certs.head.ca, certs.stranger.cert,
                       certs.stranger.key);
  CHECK_SAYING(end == probe_end::handshake_failed || end == probe_end::closed,
                    "probe ended " << to_string(end));
  CAF_CHECK(wait_until([&] { return head->refused() == 1; }));
  CAF_CHECK_EQUAL(inner.accepted(), 0);
}

CAF_TEST(dial with a foreign CA certificate closes the local connection without echo) {
  worker = dial(certs.stranger);
  fd_guard fd{connect_local(worker->local_port())};
  CAF_REQUIRE_GREATER_OR_EQUAL(fd.fd, 0);
  send_all(fd.fd, "hello head");
  auto end = read_once(fd.fd);
  CHECK_SAYING(end == read_end::closed, "read ended " << to_string(end));
  CAF_CHECK(wait_until([&] { return worker->refused() == 1; }));
  CAF_CHECK_EQUAL(inner.accepted(), 0);
}

CAF_TEST(a plain TCP client gets nothing back and is closed) {
  CAF_CHECK(garbage_is_dropped(head->local_port()));
  CAF_CHECK(wait_until([&] { return head->refused() == 1; }));
  CAF_CHECK_EQUAL(inner.accepted(), 0);
}

CAF_TEST(twenty refused handshakes leave an established tunnel echoing) {
  worker = dial(certs.worker);
  fd_guard fd{connect_local(worker->local_port())};
  CAF_REQUIRE_GREATER_OR_EQUAL(fd.fd, 0);
  CAF_REQUIRE(echoes(fd.fd, "before the refusals"));
  for (int i = 0; i < 20; ++i) {
    auto port = head->local_port();
    bool dropped = false;
    if (i % 3 == 2) {
      dropped = garbage_is_dropped(port);
    } else {
      auto end = i % 3 == 0 ? tls_probe(port, certs.head.ca)
                            : tls_probe(port, certs.head.ca, certs.stranger.cert,
                                        certs.stranger.key);
      dropped = end == probe_end::handshake_failed || end == probe_end::closed;
    }
    CHECK_SAYING(dropped, "refusal " << i << " was not dropped");
  }
  CAF_CHECK(wait_until([&] { return head->refused() == 20; }));
  CAF_CHECK_EQUAL(head->refused(), 20);
  CAF_CHECK(echoes(fd.fd, pattern(200 * 1024, 3)));
  CAF_CHECK(echoes(fd.fd, "after the refusals"));
  // And a connection made after them is carried as well.
  fd_guard fresh{connect_local(worker->local_port())};
  CAF_CHECK(echoes(fresh.fd, "a new connection"));
  CAF_CHECK_EQUAL(worker->refused(), 0);
}

CAF_TEST(the client end closes when the inner server closes the connection) {
  worker = dial(certs.worker);
  fd_guard fd{connect_local(worker->local_port())};
  CAF_REQUIRE(echoes(fd.fd, "hello"));
  inner.close_connections();
  auto end = read_once(fd.fd);
  CHECK_SAYING(end == read_end::closed, "read ended " << to_string(end));
}

CAF_TEST(the inner server sees end of stream when the client closes) {
  worker = dial(certs.worker);
  {
    fd_guard fd{connect_local(worker->local_port())};
    CAF_REQUIRE(echoes(fd.fd, "hello"));
    CAF_CHECK_EQUAL(inner.eofs(), 0);
  }
  CAF_CHECK(wait_until([&] { return inner.eofs() == 1; }));
}

CAF_TEST(a peer that sends nothing is dropped after the handshake timeout) {
  fd_guard fd{connect_local(head->local_port(), 20)};
  CAF_REQUIRE_GREATER_OR_EQUAL(fd.fd, 0);
  auto start = std::chrono::steady_clock::now();
  auto end = read_once(fd.fd); // the tunnel's limit is 10 s; ours 20 s
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK_SAYING(end == read_end::closed, "read ended " << to_string(end));
  CAF_MESSAGE("dropped after "
              << std::chrono::duration_cast<std::chrono::milliseconds>(waited).count() << " ms");
  CAF_CHECK(wait_until([&] { return head->refused() == 1; }));
}

CAF_TEST(serve names --cluster-key when the key file is missing) {
  auto files = certs.head;
  files.key = certs.cluster.path + "/missing.key";
  auto s = tls_tunnel::serve(files, "127.0.0.1", 0, inner.port());
  CAF_REQUIRE(!s);
  CHECK_SAYING(s.error().find("--cluster-key") != std::string::npos, s.error());
}

CAF_TEST(serve names --cluster-ca when the CA file is not PEM) {
  auto files = certs.head;
  files.ca = certs.cluster.path + "/not-a-ca.pem";
  write_file(files.ca, "this is not a certificate\n");
  auto s = tls_tunnel::serve(files, "127.0.0.1", 0, inner.port());
  CAF_REQUIRE(!s);
  CHECK_SAYING(s.error().find("--cluster-ca") != std::string::npos, s.error());
}

CAF_TEST_FIXTURE_SCOPE_END()
