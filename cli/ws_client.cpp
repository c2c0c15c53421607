#include "cli/ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <memory>

namespace kagent::cli {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

ws_endpoint split_base_url(const std::string& base) {
  ws_endpoint ep;
  std::string rest;
  if (base.rfind("http://", 0) == 0) {
    rest = base.substr(7);
  } else {
    ep.error = "live following needs an http:// server URL (no TLS WebSocket support)";
    return ep;
  }
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  ep.prefix = slash == std::string::npos ? "" : rest.substr(slash);
  auto at = authority.rfind('@');
  if (at != std::string::npos)
    authority = authority.substr(at + 1);
  if (!authority.empty() && authority[0] == '[') { // [::1]:8000
    auto close = authority.find(']');
    ep.host = authority.substr(1, close - 1);
    auto colon = authority.find(':', close);
    ep.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  } else {
    auto colon = authority.rfind(':');
    ep.host = authority.substr(0, colon);
    ep.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  }
  if (ep.host.empty() || ep.port.empty())
    ep.error = "cannot read host and port from the server URL";
  return ep;
}

namespace {

// do_x starts an operation, on_x completes it; all on one thread (run()).
class session : public std::enable_shared_from_this<session> {
public:
  session(net::io_context& ioc, const ws_endpoint& ep, std::string target, std::string api_key,
          const text_handler& on_text)
      : ioc_(ioc), resolver_(ioc), ws_(ioc), ep_(ep), target_(std::move(target)),
        api_key_(std::move(api_key)), on_text_(on_text) {}

  void start() {
    resolver_.async_resolve(
        ep_.host, ep_.port,
        [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type rs) {
          self->on_resolve(ec, rs);
        });
  }

  ws_outcome outcome() const { return out_; }

private:
  void fail(const char* what, beast::error_code ec) {
    out_.kind = ws_outcome::failed;
    out_.error = std::string{what} + ": " + ec.message();
    done();
  }

  // Beast's timeout timer may still be pending once the stream is over;
  // nothing else is left to do, so stop instead of waiting for it.
  void done() { ioc_.stop(); }

  void on_resolve(beast::error_code ec, tcp::resolver::results_type rs) {
    if (ec)
      return fail("resolve", ec);
    beast::get_lowest_layer(ws_).expires_after(5s);
    beast::get_lowest_layer(ws_).async_connect(
        rs,
        [self = shared_from_this()](beast::error_code ec, tcp::endpoint) { self->on_connect(ec); });
  }

  void on_connect(beast::error_code ec) {
    if (ec)
      return fail(("connect to " + ep_.host + ":" + ep_.port).c_str(), ec);
    beast::get_lowest_layer(ws_).expires_never();
    // Pings after 30 s of silence; no pong within 60 s = a dead connection.
    websocket::stream_base::timeout t;
    t.handshake_timeout = 10s;
    t.idle_timeout = 60s;
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.set_option(
        websocket::stream_base::decorator([key = api_key_](websocket::request_type& req) {
          req.set(beast::http::field::user_agent, "kagent-cli/0.1");
          if (!key.empty())
            req.set(beast::http::field::authorization, "Bearer " + key);
        }));
    ws_.read_message_max(1u << 20);
    auto host = ep_.host.find(':') != std::string::npos ? "[" + ep_.host + "]" : ep_.host;
    ws_.async_handshake(
        res_, host + ":" + ep_.port, target_,
        [self = shared_from_this()](beast::error_code ec) { self->on_handshake(ec); });
  }

  void on_handshake(beast::error_code ec) {
    if (ec == websocket::error::upgrade_declined) {
      out_.kind = ws_outcome::declined;
      out_.http_status = res_.result_int();
      out_.error = res_.body();
      return done();
    }
    if (ec)
      return fail("handshake", ec);
    out_.connected = true;
    do_read();
  }

  void do_read() {
    ws_.async_read(
        buffer_, [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == websocket::error::closed) {
      out_.kind = ws_outcome::closed;
      out_.close_code = ws_.reason().code;
      out_.reason = std::string{ws_.reason().reason.c_str()};
      return done();
    }
    if (ec)
      return fail("read", ec);
    auto text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (!on_text_(text)) {
      out_.kind = ws_outcome::stopped;
      ws_.async_close(websocket::close_code::normal,
                      [self = shared_from_this()](beast::error_code) { self->done(); });
      return;
    }
    do_read();
  }

  net::io_context& ioc_;
  tcp::resolver resolver_;
  websocket::stream<beast::tcp_stream> ws_;
  ws_endpoint ep_;
  std::string target_;
  std::string api_key_;
  const text_handler& on_text_;
  beast::flat_buffer buffer_;
  websocket::response_type res_;
  ws_outcome out_;
};

} // namespace

ws_outcome ws_read_all(const ws_endpoint& ep, const std::string& target, const std::string& api_key,
                       const text_handler& on_text) {
  net::io_context ioc;
  auto s = std::make_shared<session>(ioc, ep, ep.prefix + target, api_key, on_text);
  s->start();
  ioc.run();
  return s->outcome();
}

} // namespace kagent::cli
