// One HTTP/1.1 connection, after Beast's advanced server: reads requests on
// its strand, routes them, sends api calls to the bridge, and writes the
// responses in request order. A bounded pipeline: at most `pipeline_limit`
// requests are read ahead of their responses; reading pauses while it is full.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include "http/response.hpp"
#include "http/session_context.hpp"
#include "http/ws_admission.hpp"
#include "http/ws_feed.hpp"

namespace kagent::http {

/// Serves one connection until the peer closes, a timeout, or an error.
class http_session : public std::enable_shared_from_this<http_session> {
public:
  /// Requests read ahead of their responses, at most.
  static constexpr size_t pipeline_limit = 8;

  /// Takes an accepted socket (whose executor is a strand).
  http_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<session_context> ctx);

  ~http_session();

  /// Starts reading on the session's strand.
  void run();

private:
  // One request's place in the write order.
  struct slot {
    std::optional<response> res;  // empty while the bridge works on it
    unsigned version = 11;
    bool keep_alive = true;
    bool counted = false;         // holds one unit of ctx_->in_flight
    bool upgrade = false;         // a WebSocket upgrade: a 200 hands the socket over
    bool cors = false;            // answer the configured origin's CORS headers
    const char* route = "";       // the latency histogram's route label
    std::chrono::steady_clock::time_point read_at{};  // when the request was read
  };

  void do_read();
  void on_read(boost::beast::error_code ec, size_t bytes);
  void handle(request&& req);
  void dispatch(uint64_t seq, api_call&& call);
  void on_reply(uint64_t seq, response&& res);
  void push(slot&& s);
  void do_write();
  void on_write(boost::beast::error_code ec, size_t bytes);
  void maybe_close();
  void do_close();
  void upgrade();
  void observe(const slot& s, int status) const;

  boost::beast::tcp_stream stream_;
  boost::beast::tcp_stream::executor_type strand_;  // copy, for posting from CAF threads
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<session_context> ctx_;
  std::deque<slot> queue_;  // responses in request order
  uint64_t front_seq_ = 0;  // sequence number of queue_.front()
  std::optional<request> upgrade_req_;  // the pending WebSocket upgrade, if any
  ws_feed_args ws_args_;                // what it streams once upgraded
  ws_slot ws_slot_;                     // its place among the WebSocket sessions
  std::string client_;                  // the peer's address, for per-client caps
  bool cors_ = false;       // the request being handled came from the CORS origin
  const char* route_ = "";  // route label of the request being handled
  std::chrono::steady_clock::time_point read_at_{};  // when it was read
  bool reading_ = false;
  bool writing_ = false;
  bool closing_ = false;    // read no more; close once queue_ is written
  bool closed_ = false;     // shut down or failed; late replies are dropped
};

} // namespace kagent::http
