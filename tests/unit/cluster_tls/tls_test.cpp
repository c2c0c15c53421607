// Real actor systems on 127.0.0.1 (no deterministic scheduler: the TLS handshake is real
// I/O). Every wait has a timeout so a hang fails the test instead of blocking CI.
#define CAF_SUITE cluster.tls
#include "caf/test/dsl.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "cluster/tls.hpp"

using namespace caf;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using kagent::cluster::check_tls_files;
using kagent::cluster::configure_tls;
using kagent::cluster::connector;
using kagent::cluster::tls_files;

namespace {

// The certificates, made once per run by the script the deployment uses.
struct cert_dir {
  fs::path root;
  cert_dir() {
    char tmpl[] = "/tmp/kagent-cluster-tls-XXXXXX";
    root = ::mkdtemp(tmpl);
    auto script = std::string{KAGENT_SOURCE_DIR} + "/scripts/cluster-certs.sh";
    auto run = [&](const std::string& args) {
      auto cmd = script + " " + args + " >/dev/null";
      if (std::system(cmd.c_str()) != 0)
        CAF_FAIL("cluster-certs.sh failed: " << cmd);
    };
    run(root.string() + "/cluster head worker");
    run(root.string() + "/foreign intruder");
  }
  ~cert_dir() { fs::remove_all(root); }
  // A certificate from the foreign CA with the cluster CA as trust anchor: only the
  // peer's verification can then refuse the connection.
  tls_files foreign_trusting_cluster() const {
    auto f = files("foreign", "intruder");
    f.ca = (root / "cluster" / "ca.pem").string();
    return f;
  }
  tls_files files(const std::string& ca_dir, const std::string& name) const {
    auto d = root / ca_dir;
    return {(d / (name + ".pem")).string(), (d / (name + ".key")).string(),
            (d / "ca.pem").string()};
  }
};

const cert_dir& certs() {
  static cert_dir dir;
  return dir;
}

enum class client_kind { member, anonymous_tls, foreign_ca, plain_basp };

struct node_config : actor_system_config {
  explicit node_config(const tls_files& f, bool load_openssl = false) {
    load<io::middleman>();
    configure_tls(*this, f);
    if (load_openssl && !f.enabled())
      load<openssl::manager>(); // TLS without any openssl.* option: CAF's anonymous mode
    set("scheduler.max-threads", 2);
  }
};

behavior echo() {
  return {[](const std::string& s) { return "pong:" + s; }};
}

// What a connect attempt gave: the remote actor, or the error.
struct attempt {
  strong_actor_ptr remote;
  node_id node;
  error err;
};

attempt connect_to(actor_system& sys, bool tls, uint16_t port) {
  attempt result;
  scoped_actor self{sys};
  self->request(connector(sys, tls), 10s, connect_atom::value, std::string{"127.0.0.1"}, port)
      .receive(
          [&](node_id& nid, strong_actor_ptr& p, std::set<std::string>&) {
            result.node = std::move(nid);
            result.remote = std::move(p);
            if (!result.remote)
              result.err = sec::no_actor_published_at_port;
          },
          [&](error& e) { result.err = std::move(e); });
  return result;
}

// The reply of the remote echo, or "error: ..." (at most 5 s).
std::string ask(actor_system& sys, const strong_actor_ptr& remote, const std::string& text) {
  std::string reply;
  scoped_actor self{sys};
  self->request(actor_cast<actor>(remote), 5s, text)
      .receive([&](std::string& r) { reply = std::move(r); },
               [&](error& e) { reply = "error: " + sys.render(e); });
  return reply;
}

// A head publishing an echo actor over TLS on an ephemeral port of 127.0.0.1.
struct fixture {
  node_config head_cfg{certs().files("cluster", "head")};
  actor_system head{head_cfg};
  actor echo_actor = head.spawn(echo);
  uint16_t port = 0;

  fixture() {
    scoped_actor self{head};
    self->request(connector(head, true), 5s, publish_atom::value, uint16_t{0},
                  actor_cast<strong_actor_ptr>(echo_actor), std::set<std::string>{},
                  std::string{"127.0.0.1"}, true)
        .receive([&](uint16_t p) { port = p; },
                 [&](error& e) { CAF_FAIL("publish failed: " << head.render(e)); });
    CAF_REQUIRE_NOT_EQUAL(port, 0u);
  }

  ~fixture() { anon_send_exit(echo_actor, exit_reason::user_shutdown); }

  // Connects a fresh client system of the given kind and, if that works, asks the echo.
  std::string try_client(client_kind kind, attempt* out = nullptr) {
    tls_files f;
    if (kind == client_kind::member)
      f = certs().files("cluster", "worker");
    else if (kind == client_kind::foreign_ca)
      f = certs().foreign_trusting_cluster();
    node_config cfg{f, kind == client_kind::anonymous_tls};
    actor_system sys{cfg};
    auto a = connect_to(sys, kind != client_kind::plain_basp, port);
    auto reply = a.err ? "refused: " + sys.render(a.err) : ask(sys, a.remote, "hello");
    if (out)
      *out = a;
    return reply;
  }
};

// A bare OpenSSL client without any certificate: what an attacker's tool would do.
// Returns "data" when the head accepted the handshake and sent BASP bytes, otherwise
// OpenSSL's error text.
std::string raw_client_without_certificate(uint16_t port, bool tls12_anonymous_only) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return "tcp connect failed";
  }
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free};
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  if (tls12_anonymous_only) {
    // The ciphers CAF itself uses when no certificate is configured.
    SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx.get(), "aNULL:@SECLEVEL=0");
  }
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl{SSL_new(ctx.get()), SSL_free};
  SSL_set_fd(ssl.get(), fd);
  ERR_clear_error();
  std::string result;
  // TLS 1.3 clients finish before the server judges their certificate, so the verdict
  // arrives with the first read.
  char buf[64];
  if (SSL_connect(ssl.get()) == 1 && SSL_read(ssl.get(), buf, sizeof(buf)) > 0) {
    result = "data";
  } else {
    char text[256] = "no error text (timeout or eof)";
    if (auto e = ERR_get_error())
      ERR_error_string_n(e, text, sizeof(text));
    result = text;
  }
  ::close(fd);
  return result;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(cluster_tls_tests, fixture)

CAF_TEST(a worker with a certificate from the cluster ca connects and gets a reply) {
  attempt a;
  CAF_CHECK_EQUAL(try_client(client_kind::member, &a), "pong:hello");
  CAF_CHECK_EQUAL(a.node, head.node());
}

CAF_TEST(a caf client without a certificate is refused and the head keeps serving) {
  auto reply = try_client(client_kind::anonymous_tls);
  CAF_MESSAGE("no certificate: " << reply);
  CAF_CHECK(contains(reply, "refused: "));
  CAF_CHECK(!contains(reply, "pong"));
  reply = try_client(client_kind::plain_basp);
  CAF_MESSAGE("plain basp: " << reply);
  CAF_CHECK(contains(reply, "refused: "));
  CAF_CHECK_EQUAL(try_client(client_kind::member), "pong:hello");
}

CAF_TEST(a tls client without a certificate fails the handshake even with anonymous ciphers) {
  auto tls13 = raw_client_without_certificate(port, false);
  CAF_MESSAGE("tls 1.3, no certificate: " << tls13);
  CAF_CHECK(contains(tls13, "certificate required"));
  auto anon = raw_client_without_certificate(port, true);
  CAF_MESSAGE("tls 1.2, anonymous ciphers only: " << anon);
  CAF_CHECK(contains(anon, "handshake failure"));
  CAF_CHECK_EQUAL(try_client(client_kind::member), "pong:hello");
}

CAF_TEST(a client with a certificate from a foreign ca is refused) {
  auto reply = try_client(client_kind::foreign_ca);
  CAF_MESSAGE("foreign ca: " << reply);
  CAF_CHECK(contains(reply, "refused: "));
  CAF_CHECK(!contains(reply, "pong"));
  CAF_CHECK_EQUAL(try_client(client_kind::member), "pong:hello");
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(a worker refuses a head whose certificate is from a foreign ca) {
  node_config impostor_cfg{certs().foreign_trusting_cluster()};
  actor_system impostor{impostor_cfg};
  auto bait = impostor.spawn(echo);
  uint16_t port = 0;
  {
    scoped_actor self{impostor};
    self->request(connector(impostor, true), 5s, publish_atom::value, uint16_t{0},
                  actor_cast<strong_actor_ptr>(bait), std::set<std::string>{},
                  std::string{"127.0.0.1"}, true)
        .receive([&](uint16_t p) { port = p; }, [&](error&) {});
  }
  CAF_REQUIRE_NOT_EQUAL(port, 0u);
  node_config worker_cfg{certs().files("cluster", "worker")};
  actor_system worker{worker_cfg};
  auto a = connect_to(worker, true, port);
  CAF_MESSAGE("impostor head: " << (a.err ? worker.render(a.err) : "connected"));
  CAF_CHECK(a.err);
  CAF_CHECK(!a.remote);
  anon_send_exit(bait, exit_reason::user_shutdown);
}

CAF_TEST(check_tls_files names the option of a missing or unset file) {
  auto ok = certs().files("cluster", "head");
  CAF_CHECK_EQUAL(check_tls_files(ok), "");
  auto missing = ok;
  missing.ca = (certs().root / "nope.pem").string();
  auto problem = check_tls_files(missing);
  CAF_CHECK(contains(problem, "--cluster-ca"));
  CAF_CHECK(contains(problem, "nope.pem"));
  auto unset = ok;
  unset.key.clear();
  CAF_CHECK(contains(check_tls_files(unset), "--cluster-key is not set"));
  auto dir = ok;
  dir.cert = certs().root.string();
  CAF_CHECK(contains(check_tls_files(dir), "--cluster-cert"));
  CAF_CHECK(tls_files{}.enabled() == false);
  CAF_CHECK(missing.enabled());
}
