#include "http/ws_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "core/log.hpp"

namespace kagent::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

ws_session::ws_session(beast::tcp_stream&& stream, std::shared_ptr<session_context> ctx,
                       ws_slot slot)
  : ws_(std::move(stream)), strand_(ws_.get_executor()), ctx_(std::move(ctx)),
    close_timer_(strand_), slot_(std::move(slot)) {
  ++ctx_->ws_sessions;
}

ws_session::~ws_session() {
  stop_feed();
  {
    std::lock_guard<std::mutex> guard{ctx_->ws_mutex};
    ctx_->ws.erase(this);
  }
  --ctx_->ws_sessions;
}

void ws_session::run(request req, ws_feed_args args) {
  {
    std::lock_guard<std::mutex> guard{ctx_->ws_mutex};
    ctx_->ws[this] = weak_from_this();
  }
  // Beast's own timeouts replace the tcp_stream's: pings after 30 s of
  // silence, a peer that answers none within 60 s is gone.
  beast::get_lowest_layer(ws_).expires_never();
  // A fixed kernel send buffer: what a reader that stops reading can hold in
  // the kernel stays small too (loopback autotuning grows it to megabytes).
  beast::error_code sock_ec;
  beast::get_lowest_layer(ws_).socket().set_option(net::socket_base::send_buffer_size(64 * 1024),
                                                   sock_ec);
  websocket::stream_base::timeout t;
  t.handshake_timeout = std::chrono::seconds(10);
  t.idle_timeout = std::chrono::seconds(60);
  t.keep_alive_pings = true;
  ws_.set_option(t);
  // A browser offers the key as a subprotocol (it cannot set headers on a
  // WebSocket); the handshake must then name the one we speak.
  bool offered = req[beast::http::field::sec_websocket_protocol].find(ws_subprotocol)
                 != beast::string_view::npos;
  ws_.set_option(websocket::stream_base::decorator([offered](websocket::response_type& res) {
    res.set(beast::http::field::server, server_name);
    if (offered)
      res.set(beast::http::field::sec_websocket_protocol, ws_subprotocol);
  }));
  auto self = shared_from_this();
  ws_.async_accept(req, [self, args = std::move(args)](beast::error_code ec) mutable {
    self->on_accept(ec, std::move(args));
  });
}

void ws_session::on_accept(beast::error_code ec, ws_feed_args args) {
  if (ec) {
    closed_ = true;
    return;
  }
  if (ctx_->stopping) {
    close_after_queue(1001, "server shutting down");
    return do_read();
  }
  // Runs on CAF threads: only posts to the strand.
  auto self = shared_from_this();
  ws_sink sink{
    [self](std::string text, int64_t seq, bool ack) {
      net::post(self->strand_, [self, text = std::move(text), seq, ack]() mutable {
        self->enqueue(std::move(text), seq, ack);
      });
    },
    [self](uint16_t code, std::string reason) {
      net::post(self->strand_, [self, code, reason = std::move(reason)]() mutable {
        self->close_after_queue(code, std::move(reason));
      });
    }};
  feed_ = spawn_ws_feed(*ctx_->sys, std::move(args), std::move(sink));
  do_read();
}

void ws_session::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&ws_session::on_read, shared_from_this()));
}

void ws_session::on_read(beast::error_code ec, size_t) {
  if (ec) {
    // The peer closed (or answered our close), left, or timed out.
    closed_ = true;
    queue_.clear();
    return stop_feed();
  }
  buffer_.consume(buffer_.size());  // clients have nothing to say
  do_read();
}

void ws_session::enqueue(std::string text, int64_t seq, bool ack) {
  if (closed_ || closing_ || close_pending_)
    return;
  // The feed keeps within its window, so this only trips when it does not:
  // replay frames count like live ones (issue 9).
  if (queued_bytes_ + text.size() > ctx_->ws_max_queued_bytes + ctx_->ws_window_bytes)
    return close_after_queue(slow_consumer_code, "");
  queued_bytes_ += text.size();
  queue_.push_back({std::move(text), seq, ack});
  do_write();
}

void ws_session::do_write() {
  if (writing_ || closing_ || closed_)
    return;
  if (queue_.empty()) {
    if (close_pending_)
      do_close();
    return;
  }
  writing_ = true;
  ws_.text(true);
  ws_.async_write(net::buffer(queue_.front().text),
                  beast::bind_front_handler(&ws_session::on_write, shared_from_this()));
}

void ws_session::on_write(beast::error_code ec, size_t) {
  writing_ = false;
  if (ec) {
    closed_ = true;
    queue_.clear();
    return stop_feed();
  }
  if (queue_.front().seq > 0)
    last_seq_written_ = queue_.front().seq;
  if (queue_.front().ack && feed_)
    caf::anon_send(feed_, more_atom::value);
  pop(queue_.begin());
  do_write();
}

void ws_session::close_after_queue(uint16_t code, std::string reason) {
  if (close_pending_ || closing_ || closed_)
    return;
  if (code == slow_consumer_code) {
    if (ctx_->metrics)
      ctx_->metrics->http().count_slow_consumer();
    // Keep only a frame being written; the client resumes from what it got.
    drop_unwritten();
    stop_feed();
  }
  close_pending_ = true;
  close_code_ = code;
  close_reason_ = std::move(reason);
  arm_close_timer();
  do_write();
}

void ws_session::arm_close_timer() {
  // A peer that reads nothing never takes the frame in flight nor the close
  // frame behind it: drop the connection, so its memory goes too.
  close_timer_.expires_after(close_grace);
  close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closed_)
      return;
    get_logger("http")->warn("ws close not taken; dropping connection last_seq={}",
                             self->last_seq_written_);
    self->closed_ = true;
    self->queue_.clear();
    self->stop_feed();
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
}

void ws_session::do_close() {
  if (closing_ || closed_)
    return;
  closing_ = true;
  if (close_code_ == slow_consumer_code)
    close_reason_ = "slow consumer; resume with since=" + std::to_string(last_seq_written_);
  websocket::close_reason cr{static_cast<websocket::close_code>(close_code_), close_reason_};
  ws_.async_close(cr, beast::bind_front_handler(&ws_session::on_close, shared_from_this()));
}

void ws_session::on_close(beast::error_code) {
  closed_ = true;
  close_timer_.cancel();
  stop_feed();
}


void ws_session::shutdown() {
  net::post(strand_, [self = shared_from_this()] {
    // Frames not yet written are dropped: the client resumes with since.
    self->drop_unwritten();
    self->close_after_queue(1001, "server shutting down");
    self->stop_feed();
  });
}

void ws_session::pop(std::deque<frame>::iterator i) {
  queued_bytes_ -= i->text.size();
  queue_.erase(i);
}

void ws_session::drop_unwritten() {
  while (queue_.size() > (writing_ ? 1 : 0))
    pop(std::prev(queue_.end()));
}

void ws_session::stop_feed() {
  // Dropping the handle also breaks the cycle session -> feed -> sink -> session.
  if (feed_)
    caf::anon_send_exit(feed_, caf::exit_reason::user_shutdown);
  feed_ = nullptr;
}

} // namespace kagent::http
