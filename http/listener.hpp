// Accepts connections and starts an http_session for each, each on its own
// strand (Beast's advanced server). Out of descriptors it pauses instead of
// spinning (accept_backoff). Closing it is the first step of a stop.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <caf/expected.hpp>

#include "http/accept_backoff.hpp"
#include "http/session_context.hpp"

namespace kagent::http {

/// The accepting socket of a server.
class listener : public std::enable_shared_from_this<listener> {
public:
  /// Opens, binds and listens on host:port now; an error when that fails
  /// (port taken, unknown host). Port 0 picks a free port.
  static caf::expected<std::shared_ptr<listener>>
  make(boost::asio::io_context& ioc, const std::string& host, uint16_t port,
       std::shared_ptr<session_context> ctx);

  /// The bound port.
  uint16_t port() const { return port_; }

  /// Starts accepting.
  void run();

  /// Closes the acceptor (on its strand); sessions already open go on.
  void stop();

  /// Use make().
  listener(boost::asio::io_context& ioc, std::shared_ptr<session_context> ctx);

private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  void pause(const boost::system::error_code& ec);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;  // on the acceptor's strand
  accept_backoff backoff_;
  std::shared_ptr<session_context> ctx_;
  uint16_t port_ = 0;
};

} // namespace kagent::http
