#include "cluster/tls_tunnel.hpp"

#include <array>
#include <atomic>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "core/log.hpp"

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

namespace kagent::cluster {

namespace {

constexpr auto handshake_timeout = std::chrono::seconds(10);
constexpr size_t buffer_bytes = 64 * 1024;

using tls_stream = ssl::stream<tcp::socket>;

// One tunnelled connection: bytes both ways until either side closes,
// then both close. Owns itself through the shared_ptrs of its handlers.
struct pipe : std::enable_shared_from_this<pipe> {
  tls_stream tls;
  tcp::socket plain;
  std::array<char, buffer_bytes> up{}, down{};
  bool closed = false;

  pipe(asio::io_context& ioc, ssl::context& ctx) : tls(ioc, ctx), plain(ioc) {}

  void close() {
    if (closed)
      return;
    closed = true;
    boost::system::error_code ec;
    plain.shutdown(tcp::socket::shutdown_both, ec);
    plain.close(ec);
    tls.lowest_layer().shutdown(tcp::socket::shutdown_both, ec);
    tls.lowest_layer().close(ec);
  }

  void start() {
    tls_to_plain();
    plain_to_tls();
  }

  void tls_to_plain() {
    auto self = shared_from_this();
    tls.async_read_some(asio::buffer(up), [self](boost::system::error_code ec, size_t n) {
      if (ec)
        return self->close();
      asio::async_write(self->plain, asio::buffer(self->up.data(), n),
                        [self](boost::system::error_code ec, size_t) {
                          if (ec)
                            return self->close();
                          self->tls_to_plain();
                        });
    });
  }

  void plain_to_tls() {
    auto self = shared_from_this();
    plain.async_read_some(asio::buffer(down), [self](boost::system::error_code ec, size_t n) {
      if (ec)
        return self->close();
      asio::async_write(self->tls, asio::buffer(self->down.data(), n),
                        [self](boost::system::error_code ec, size_t) {
                          if (ec)
                            return self->close();
                          self->plain_to_tls();
                        });
    });
  }
};

} // namespace

// Handlers hold a plain pointer: ~tls_tunnel stops and joins the thread
// before the impl goes, and the io_context (with any pending handler and
// pipe) goes before the SSL context.
struct tls_tunnel::impl {
  ssl::context ctx;
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  tcp::endpoint target;        ///< serve: the inner BASP port; dial: the head
  std::string target_host;     ///< dial: resolved per connection
  uint16_t target_port = 0;
  bool head_side = false;
  std::atomic<int64_t> refused{0};
  std::thread thread;
  std::shared_ptr<spdlog::logger> log = get_logger("cluster");

  explicit impl(ssl::context::method m) : ctx(m) {}

  void accept() {
    auto self = this;
    auto p = std::make_shared<pipe>(ioc, ctx);
    auto& sock = head_side ? p->tls.next_layer() : p->plain;
    acceptor.async_accept(sock, [self, p](boost::system::error_code ec) {
      if (ec == asio::error::operation_aborted)
        return;
      if (!ec)
        self->head_side ? self->handshake_from_worker(p) : self->connect_to_head(p);
      self->accept();
    });
  }

  // The handshake may not take forever: a peer that connects and says
  // nothing is dropped after handshake_timeout.
  std::shared_ptr<asio::steady_timer> guard(const std::shared_ptr<pipe>& p) {
    auto t = std::make_shared<asio::steady_timer>(ioc, handshake_timeout);
    t->async_wait([p](boost::system::error_code ec) {
      if (!ec)
        p->close();
    });
    return t;
  }

  void handshake_from_worker(std::shared_ptr<pipe> p) {
    auto self = this;
    auto t = guard(p);
    p->tls.async_handshake(ssl::stream_base::server, [self, p, t](boost::system::error_code ec) {
      t->cancel();
      if (ec) {
        ++self->refused;
        self->log->warn("cluster connection refused reason=\"{}\"", ec.message());
        return p->close();
      }
      p->plain.async_connect(self->target, [p](boost::system::error_code ec) {
        if (ec)
          return p->close();
        p->start();
      });
    });
  }

  void connect_to_head(std::shared_ptr<pipe> p) {
    auto self = this;
    boost::system::error_code ec;
    tcp::resolver resolver{ioc};
    auto results = resolver.resolve(target_host, std::to_string(target_port), ec);
    if (ec) {
      log->warn("cannot resolve head host={} reason=\"{}\"", target_host, ec.message());
      return p->close();
    }
    auto t = guard(p);
    asio::async_connect(p->tls.next_layer(), results,
                        [self, p, t](boost::system::error_code ec, const tcp::endpoint&) {
                          if (ec) {
                            t->cancel();
                            return p->close();
                          }
                          p->tls.async_handshake(
                            ssl::stream_base::client, [self, p, t](boost::system::error_code ec) {
                              t->cancel();
                              if (ec) {
                                ++self->refused;
                                self->log->warn("head refused reason=\"{}\"", ec.message());
                                return p->close();
                              }
                              p->start();
                            });
                        });
  }
};

namespace {

result<std::shared_ptr<tls_tunnel::impl>> make_impl(const tls_files& f, bool head_side) {
  auto p = std::make_shared<tls_tunnel::impl>(head_side ? ssl::context::tls_server
                                                        : ssl::context::tls_client);
  p->head_side = head_side;
  boost::system::error_code ec;
  p->ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                       | ssl::context::no_sslv3 | ssl::context::no_tlsv1
                       | ssl::context::no_tlsv1_1,
                     ec);
  if (!ec)
    p->ctx.use_certificate_chain_file(f.cert, ec);
  if (ec)
    return failure{"--cluster-cert " + f.cert + ": " + ec.message()};
  p->ctx.use_private_key_file(f.key, ssl::context::pem, ec);
  if (ec)
    return failure{"--cluster-key " + f.key + ": " + ec.message()};
  // Only the cluster CA is trusted, not the system's store.
  p->ctx.load_verify_file(f.ca, ec);
  if (ec)
    return failure{"--cluster-ca " + f.ca + ": " + ec.message()};
  p->ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert, ec);
  if (ec)
    return failure{"TLS verification: " + ec.message()};
  return p;
}

result<ok_t> listen(tls_tunnel::impl& p, const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec)
    return failure{"bad address " + host + ": " + ec.message()};
  tcp::endpoint ep{addr, port};
  p.acceptor.open(ep.protocol(), ec);
  if (!ec)
    p.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    p.acceptor.bind(ep, ec);
  if (!ec)
    p.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return failure{"cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message()};
  return ok_t{};
}

} // namespace

result<std::unique_ptr<tls_tunnel>> tls_tunnel::serve(const tls_files& files,
                                                      const std::string& host, uint16_t port,
                                                      uint16_t inner_port) {
  auto p = make_impl(files, true);
  if (!p)
    return failure{p.error()};
  (*p)->target = tcp::endpoint{asio::ip::make_address("127.0.0.1"), inner_port};
  if (auto ok = listen(**p, host, port); !ok)
    return failure{ok.error()};
  (*p)->accept();
  auto raw = p->get();
  (*p)->thread = std::thread([raw] { raw->ioc.run(); });
  return std::unique_ptr<tls_tunnel>(new tls_tunnel(*p));
}

result<std::unique_ptr<tls_tunnel>> tls_tunnel::dial(const tls_files& files,
                                                     const std::string& host, uint16_t port) {
  auto p = make_impl(files, false);
  if (!p)
    return failure{p.error()};
  (*p)->target_host = host;
  (*p)->target_port = port;
  if (auto ok = listen(**p, "127.0.0.1", 0); !ok)
    return failure{ok.error()};
  (*p)->accept();
  auto raw = p->get();
  (*p)->thread = std::thread([raw] { raw->ioc.run(); });
  return std::unique_ptr<tls_tunnel>(new tls_tunnel(*p));
}

tls_tunnel::tls_tunnel(std::shared_ptr<impl> p) : impl_(std::move(p)) {}

tls_tunnel::~tls_tunnel() {
  impl_->ioc.stop();
  if (impl_->thread.joinable())
    impl_->thread.join();
}

uint16_t tls_tunnel::local_port() const {
  boost::system::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

int64_t tls_tunnel::refused() const {
  return impl_->refused.load();
}

} // namespace kagent::cluster
