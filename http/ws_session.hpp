// One WebSocket connection, after Beast's advanced server websocket_session:
// accepts the upgrade, then writes the frames its feed actor posts to the
// connection's strand. The feed never hands over more than its window
// (ws_feed.hpp) and is acknowledged when the frame that filled it is
// written; every frame, replay or live, counts against the queue bound here
// too. A slow consumer is closed with code 4000 and told where to resume; if
// its socket does not even take the close frame, the connection is dropped
// after a grace period. Reads only to see control frames and the peer's close.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <caf/actor.hpp>

#include "http/response.hpp"
#include "http/session_context.hpp"
#include "http/ws_admission.hpp"
#include "http/ws_feed.hpp"

namespace kagent::http {

/// Serves one upgraded connection until its stream ends, the peer leaves, or stop.
class ws_session : public std::enable_shared_from_this<ws_session> {
public:
  /// How long a close frame may wait for a stalled socket before the
  /// connection is dropped. Long: a reader that comes back within it still
  /// reads the close frame and its resume point; what waits meanwhile is at
  /// most the frame being written.
  static constexpr std::chrono::seconds close_grace{60};

  /// Takes the connection of an http_session (its executor is a strand) and
  /// the place it holds among the server's WebSocket sessions.
  ws_session(boost::beast::tcp_stream&& stream, std::shared_ptr<session_context> ctx,
             ws_slot slot);

  ~ws_session();

  /// Accepts the upgrade `req`, then streams what `args` names.
  void run(request req, ws_feed_args args);

  /// Sends a close frame (1001) soon; any thread. For server stop.
  void shutdown();

  /// The feed actor, for the server's stop once the I/O threads are gone.
  caf::actor feed() const {
    return feed_;
  }

private:
  struct frame {
    std::string text;
    int64_t seq = 0;
    bool ack = false;  // tell the feed once written
  };

  void on_accept(boost::beast::error_code ec, ws_feed_args args);
  void do_read();
  void on_read(boost::beast::error_code ec, size_t bytes);
  void enqueue(std::string text, int64_t seq, bool ack);
  void do_write();
  void on_write(boost::beast::error_code ec, size_t bytes);
  void close_after_queue(uint16_t code, std::string reason);
  void do_close();
  void on_close(boost::beast::error_code ec);
  void stop_feed();
  void pop(std::deque<frame>::iterator i);
  void drop_unwritten();
  void arm_close_timer();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::tcp_stream::executor_type strand_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<session_context> ctx_;
  boost::asio::steady_timer close_timer_;
  ws_slot slot_;
  std::deque<frame> queue_;
  size_t queued_bytes_ = 0;
  int64_t last_seq_written_ = 0;  // resume point named in a 4000 close
  caf::actor feed_;
  bool writing_ = false;
  bool close_pending_ = false;    // close once queue_ is written
  bool closing_ = false;          // close frame sent or being sent
  bool closed_ = false;
  uint16_t close_code_ = 1000;
  std::string close_reason_;
};

} // namespace kagent::http
