// Plain-socket helpers for the cluster_tunnel tests: certificates made by
// scripts/cluster-certs.sh, an inner echo server standing in for BASP, TCP
// clients with receive/send timeouts (nothing can hang) and a raw OpenSSL
// client that probes the served end.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../cluster/temp_dir.hpp"
#include "cluster/tls.hpp"

namespace kagent::cluster::testing {

/// A socket closed on scope exit.
struct fd_guard {
  int fd = -1;
  explicit fd_guard(int f) : fd(f) {}
  ~fd_guard() {
    if (fd >= 0)
      ::close(fd);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
};

/// A TCP connection to 127.0.0.1:port whose reads and writes give up after
/// `timeout_s`; -1 when it cannot connect.
inline int connect_local(uint16_t port, int timeout_s = 5) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  timeval tv{timeout_s, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline bool send_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    auto k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

inline bool send_all(int fd, const std::string& s) { return send_all(fd, s.data(), s.size()); }

/// Up to `n` bytes; fewer when the peer closes, fails or times out first.
inline std::string recv_up_to(int fd, size_t n) {
  std::string out;
  std::vector<char> buf(64 * 1024);
  while (out.size() < n) {
    auto k = ::recv(fd, buf.data(), std::min(buf.size(), n - out.size()), 0);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      break;
    out.append(buf.data(), static_cast<size_t>(k));
  }
  return out;
}

/// What one read on a connection saw.
enum class read_end { data, closed, timed_out };

inline const char* to_string(read_end e) {
  return e == read_end::data ? "data" : e == read_end::closed ? "closed" : "timed_out";
}

/// One read: data, closed (EOF or reset) or nothing before the timeout.
inline read_end read_once(int fd) {
  char c[4096];
  for (;;) {
    auto k = ::recv(fd, c, sizeof c, 0);
    if (k > 0)
      return read_end::data;
    if (k == 0)
      return read_end::closed;
    if (errno == EINTR)
      continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? read_end::timed_out : read_end::closed;
  }
}

/// Polls `pred` every 10 ms for up to `seconds`.
inline bool wait_until(const std::function<bool()>& pred, int seconds = 5) {
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

/// The cluster CA with head and worker, and a foreign CA with stranger.
struct cert_dirs {
  temp_dir cluster, foreign;
  tls_files head, worker, stranger;
  bool made = false;

  cert_dirs() {
    std::string script = std::string(KAGENT_SOURCE_DIR) + "/scripts/cluster-certs.sh";
    auto run = [&](const std::string& dir, const std::string& names) {
      auto cmd = "bash '" + script + "' '" + dir + "' " + names + " >/dev/null 2>&1";
      return std::system(cmd.c_str()) == 0;
    };
    made = !cluster.path.empty() && !foreign.path.empty() && run(cluster.path, "head worker")
           && run(foreign.path, "stranger");
    auto files = [](const std::string& dir, const std::string& name) {
      return tls_files{dir + "/" + name + ".pem", dir + "/" + name + ".key", dir + "/ca.pem"};
    };
    head = files(cluster.path, "head");
    worker = files(cluster.path, "worker");
    stranger = files(foreign.path, "stranger");
  }
};

/// Stands in for BASP: accepts on 127.0.0.1 and echoes every byte back.
class echo_server {
public:
  echo_server() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0
        || ::listen(fd_, 64) != 0
        || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      return;
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~echo_server() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR); // wakes accept()
    if (acceptor_.joinable())
      acceptor_.join();
    close_connections();
    for (auto& t : workers_)
      t.join();
    ::close(fd_);
  }

  uint16_t port() const { return port_; }
  int accepted() const { return accepted_; }
  /// Connections whose peer (the tunnel) ended them.
  int eofs() const { return eofs_; }

  /// Ends every open connection from this side.
  void close_connections() {
    std::lock_guard<std::mutex> g{m_};
    for (auto& c : conns_)
      if (c >= 0) {
        closed_by_us_ = true;
        ::shutdown(c, SHUT_RDWR);
      }
  }

private:
  void accept_loop() {
    for (;;) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) {
        if (!stopping_ && errno == EINTR)
          continue;
        return;
      }
      std::lock_guard<std::mutex> g{m_};
      ++accepted_;
      conns_.push_back(c);
      auto idx = conns_.size() - 1;
      workers_.emplace_back([this, idx, c] { echo(idx, c); });
    }
  }

  void echo(size_t idx, int c) {
    std::vector<char> buf(64 * 1024);
    for (;;) {
      auto n = ::recv(c, buf.data(), buf.size(), 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n == 0 && !closed_by_us_)
        ++eofs_;
      if (n <= 0 || !send_all(c, buf.data(), static_cast<size_t>(n)))
        break;
    }
    std::lock_guard<std::mutex> g{m_};
    ::close(c);
    conns_[idx] = -1;
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false}, closed_by_us_{false};
  std::atomic<int> accepted_{0}, eofs_{0};
  std::mutex m_;
  std::vector<int> conns_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

/// How a TLS probe of a served port ended.
enum class probe_end { handshake_failed, closed, timed_out, echoed };

inline const char* to_string(probe_end e) {
  switch (e) {
    case probe_end::handshake_failed: return "handshake_failed";
    case probe_end::closed: return "closed";
    case probe_end::timed_out: return "timed_out";
    default: return "echoed";
  }
}

/// A raw OpenSSL client trusting `ca` (and presenting cert/key when given):
/// handshakes with 127.0.0.1:port, writes "ping" and reads once.
inline probe_end tls_probe(uint16_t port, const std::string& ca, const std::string& cert = "",
                           const std::string& key = "") {
  auto result = probe_end::handshake_failed;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!cert.empty()) {
    SSL_CTX_use_certificate_chain_file(ctx, cert.c_str());
    SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM);
  }
  SSL_CTX_load_verify_locations(ctx, ca.c_str(), nullptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  fd_guard fd{connect_local(port)};
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd.fd);
  if (fd.fd >= 0 && SSL_connect(ssl) == 1) {
    char buf[16];
    int n = SSL_write(ssl, "ping", 4) == 4 ? SSL_read(ssl, buf, sizeof buf) : -1;
    int err = n > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl, n);
    bool timeout = err == SSL_ERROR_WANT_READ
                   || (err == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK));
    result = n > 0 ? probe_end::echoed : timeout ? probe_end::timed_out : probe_end::closed;
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ERR_clear_error(); // this thread's queue, tidy for the next probe
  return result;
}

/// Bytes that are not TLS, written to `port`; true when the peer closes
/// without sending anything back.
inline bool garbage_is_dropped(uint16_t port) {
  fd_guard fd{connect_local(port)};
  if (fd.fd < 0)
    return false;
  send_all(fd.fd, "GET / HTTP/1.0\r\nHost: head\r\n\r\n");
  return read_once(fd.fd) == read_end::closed;
}

/// Ignores SIGPIPE for the test process: writes to closed sockets fail instead.
inline void ignore_sigpipe() { ::signal(SIGPIPE, SIG_IGN); }

} // namespace kagent::cluster::testing
