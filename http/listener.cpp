#include "http/listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "core/error.hpp"
#include "core/log.hpp"
#include "http/http_session.hpp"

namespace kagent::http {

namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

listener::listener(net::io_context& ioc, std::shared_ptr<session_context> ctx)
  : ioc_(ioc), acceptor_(net::make_strand(ioc)), retry_(acceptor_.get_executor()),
    ctx_(std::move(ctx)) {
}

caf::expected<std::shared_ptr<listener>>
listener::make(net::io_context& ioc, const std::string& host, uint16_t port,
               std::shared_ptr<session_context> ctx) {
  auto where = host + ":" + std::to_string(port);
  boost::system::error_code ec;
  tcp::resolver resolver{ioc};
  auto results = resolver.resolve(host, std::to_string(port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    return make_error(errc::invalid_input, "cannot resolve " + where + ": " + ec.message());
  auto endpoint = results.begin()->endpoint();
  auto self = std::make_shared<listener>(ioc, std::move(ctx));
  auto& acc = self->acceptor_;
  auto fail = [&](const char* what) {
    return make_error(errc::internal, std::string{"cannot "} + what + " " + where + ": "
                                        + ec.message());
  };
  if (acc.open(endpoint.protocol(), ec); ec)
    return fail("open");
  if (acc.set_option(net::socket_base::reuse_address(true), ec); ec)
    return fail("configure");
  if (acc.bind(endpoint, ec); ec)
    return fail("bind");
  if (acc.listen(net::socket_base::max_listen_connections, ec); ec)
    return fail("listen on");
  self->port_ = acc.local_endpoint(ec).port();
  return self;
}

void listener::run() {
  net::post(acceptor_.get_executor(),
            boost::beast::bind_front_handler(&listener::do_accept, shared_from_this()));
}

void listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
    self->retry_.cancel();
  });
}

void listener::do_accept() {
  if (!acceptor_.is_open())
    return;
  // Each connection gets its own strand.
  acceptor_.async_accept(net::make_strand(ioc_), boost::beast::bind_front_handler(
                                                   &listener::on_accept, shared_from_this()));
}

void listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted)
    return;
  if (is_resource_exhaustion(ec))
    return pause(ec);
  if (ec) {
    // Per-connection failures (the peer reset before accept): go on, but
    // never log faster than once per interval.
    if (backoff_.should_log(std::chrono::steady_clock::now()))
      get_logger("http")->warn("accept failed error={} suppressed={}", ec.message(),
                               backoff_.take_suppressed());
  } else {
    backoff_.on_accepted();
    std::make_shared<http_session>(std::move(socket), ctx_)->run();
  }
  do_accept();
}

void listener::pause(const boost::system::error_code& ec) {
  // The connection stays in the kernel's backlog and the socket stays
  // readable: accepting again at once would spin (issue 9, item 6).
  auto delay = backoff_.on_exhausted();
  if (backoff_.should_log(std::chrono::steady_clock::now()))
    get_logger("http")->warn("accept paused: out of file descriptors error={} retry_ms={} "
                             "suppressed={}",
                             ec.message(), delay.count(), backoff_.take_suppressed());
  retry_.expires_after(delay);
  retry_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
    if (!wait_ec)
      self->do_accept();
  });
}

} // namespace kagent::http
