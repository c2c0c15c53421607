// A scripted stand-in for kagentd in CLI tests: one thread, one request per
// connection; each connection is handed to the next script step, which may
// answer plain HTTP or upgrade to a WebSocket and send frames.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kagent::cli::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;
using request = http::request<http::string_body>;

/// One connection's script step: the request and its socket.
using step = std::function<void(const request&, tcp::socket&)>;

/// Answers plain HTTP with `status` and a JSON body.
inline step http_answer(int status, std::string body) {
  return [status, body](const request& req, tcp::socket& s) {
    http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
    res.set(http::field::content_type, "application/json");
    res.body() = body;
    res.prepare_payload();
    res.keep_alive(false);
    beast::error_code ec;
    http::write(s, res, ec);
  };
}

/// Upgrades, sends `frames`, then closes with `code` (0 = drop the TCP
/// connection without a close frame).
inline step ws_send(std::vector<std::string> frames, int code = 1000, std::string reason = "") {
  return [frames, code, reason](const request& req, tcp::socket& s) {
    websocket::stream<tcp::socket&> ws{s};
    beast::error_code ec;
    ws.accept(req, ec);
    if (ec)
      return;
    for (auto& f : frames) {
      ws.text(true);
      ws.write(boost::asio::buffer(f), ec);
      if (ec)
        return;
    }
    if (code == 0) {
      s.shutdown(tcp::socket::shutdown_both, ec);
      s.close(ec);
      return;
    }
    ws.close(websocket::close_reason{static_cast<websocket::close_code>(code), reason}, ec);
  };
}

/// Serves the steps in order, one per connection, then stops accepting.
class fake_server {
public:
  explicit fake_server(std::vector<step> steps) : steps_(std::move(steps)) {
    acceptor_.open(tcp::v4());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    thread_ = std::thread{[this] { run(); }};
  }

  ~fake_server() {
    // Unblock an accept() still waiting for a connection the test never made.
    stopping_ = true;
    boost::asio::io_context ioc;
    tcp::socket poke{ioc};
    beast::error_code ec;
    poke.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }

  /// http://127.0.0.1:<port>
  std::string base() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

  /// The request targets seen so far, in order.
  std::vector<std::string> targets() {
    std::lock_guard<std::mutex> guard{mtx_};
    return targets_;
  }

private:
  void run() {
    for (auto& st : steps_) {
      tcp::socket s{ioc_};
      beast::error_code ec;
      acceptor_.accept(s, ec);
      if (ec || stopping_)
        return;
      beast::flat_buffer buf;
      request req;
      http::read(s, buf, req, ec);
      if (ec)
        continue;
      {
        std::lock_guard<std::mutex> guard{mtx_};
        targets_.push_back(std::string{req.target()});
      }
      st(req, s);
    }
  }

  boost::asio::io_context ioc_;
  tcp::acceptor acceptor_{ioc_};
  std::vector<step> steps_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mtx_;
  std::vector<std::string> targets_;
};

/// An event frame as the server sends it.
inline std::string event_frame(int seq, const std::string& stage, const std::string& kind,
                               const std::string& message, double progress = -1) {
  return R"({"type":"event","job_id":"j1","seq":)" + std::to_string(seq)
         + R"(,"time":"2026-11-28T16:31:02.120000+00:00","stage":")" + stage + R"(","kind":")"
         + kind + R"(","message":")" + message + R"(","progress":)" + std::to_string(progress)
         + "}";
}

/// The end frame.
inline std::string end_frame(const std::string& status) {
  return R"({"type":"end","job_id":"j1","status":")" + status + R"("})";
}

} // namespace kagent::cli::testing
