// A tiny synchronous Beast client for the real-socket tests: one connection,
// requests written and responses read explicitly so pipelining can be shown.
#pragma once

#include <chrono>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace kagent::http::test {

namespace bhttp = boost::beast::http;

using client_response = bhttp::response<bhttp::string_body>;

struct client {
  boost::asio::io_context ioc;
  boost::beast::tcp_stream stream{ioc};
  boost::beast::flat_buffer buffer;
  boost::beast::error_code last_error;

  explicit client(uint16_t port) {
    run([&] {
      stream.async_connect({boost::asio::ip::make_address("127.0.0.1"), port},
                           [this](boost::beast::error_code ec) { last_error = ec; });
    });
    if (last_error)
      throw boost::system::system_error{last_error};
  }

  // Every operation is asynchronous with a 20 s stream timeout, so a test
  // that expects the wrong thing fails instead of hanging.
  template <class Start>
  void run(Start start) {
    stream.expires_after(std::chrono::seconds(20));
    ioc.restart();
    start();
    ioc.run();
  }

  static bhttp::request<bhttp::string_body>
  make(bhttp::verb v, const std::string& target, const std::string& body = "",
       const std::string& content_type = "application/json") {
    bhttp::request<bhttp::string_body> req{v, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    if (!body.empty()) {
      req.set(bhttp::field::content_type, content_type);
      req.body() = body;
    }
    req.prepare_payload();
    return req;
  }

  void write(const bhttp::request<bhttp::string_body>& req) {
    run([&] {
      bhttp::async_write(stream, req,
                         [this](boost::beast::error_code ec, size_t) { last_error = ec; });
    });
  }

  void write(bhttp::verb v, const std::string& target, const std::string& body = "",
             const std::string& content_type = "application/json") {
    write(make(v, target, body, content_type));
  }

  void write_raw(const std::string& bytes) {
    run([&] {
      boost::asio::async_write(stream, boost::asio::buffer(bytes),
                               [this](boost::beast::error_code ec, size_t) { last_error = ec; });
    });
  }

  /// The next response; status 0 and last_error set when none came.
  client_response read() {
    client_response res;
    run([&] {
      bhttp::async_read(stream, buffer, res,
                        [this](boost::beast::error_code ec, size_t) { last_error = ec; });
    });
    return res;
  }

  client_response send(bhttp::verb v, const std::string& target, const std::string& body = "",
                       const std::string& content_type = "application/json") {
    write(v, target, body, content_type);
    return read();
  }

  /// True when the server closed the connection (a read ends with EOF).
  bool closed_by_peer() {
    char c;
    run([&] {
      stream.async_read_some(boost::asio::buffer(&c, 1),
                             [this](boost::beast::error_code ec, size_t) { last_error = ec; });
    });
    return last_error == boost::asio::error::eof
           || last_error == boost::asio::error::connection_reset;
  }
};

} // namespace kagent::http::test
