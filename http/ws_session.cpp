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

ws_session::ws_session(beast::tcp_stream&& stream, std::shared_ptr<session_context> ctx)
  : ws_(std::move(stream)), strand_(ws_.get_executor()), ctx_(std::move(ctx)) {
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
  websocket::stream_base::timeout t;
  t.handshake_timeout = std::chrono::seconds(10);
  t.idle_timeout = std::chrono::seconds(60);
  t.keep_alive_pings = true;
  ws_.set_option(t);
  ws_.set_option(websocket::stream_base::decorator(
    [](websocket::response_type& res) { res.set(beast::http::field::server, server_name); }));
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
    [self](std::string text, int64_t seq, bool replay) {
      net::post(self->strand_, [self, text = std::move(text), seq, replay]() mutable {
        self->enqueue(std::move(text), seq, replay);
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

void ws_session::enqueue(std::string text, int64_t seq, bool replay) {
  if (closed_ || closing_ || close_pending_)
    return;
  if (!replay
      && (queued_live_ >= max_queued_frames || queued_bytes_ + text.size() > max_queued_bytes)) {
    // Keep only a frame being written; the client resumes from what it got.
    drop_unwritten();
    get_logger("http")->warn("ws slow consumer closed last_seq={}", last_seq_written_);
    close_code_ = slow_consumer_code;
    close_pending_ = true;
    stop_feed();
    return do_write();
  }
  if (!replay) {
    queued_bytes_ += text.size();
    ++queued_live_;
  }
  queue_.push_back({std::move(text), seq, replay});
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
  pop(queue_.begin());
  do_write();
}

void ws_session::close_after_queue(uint16_t code, std::string reason) {
  if (close_pending_ || closing_ || closed_)
    return;
  close_pending_ = true;
  close_code_ = code;
  close_reason_ = std::move(reason);
  do_write();
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
  if (!i->replay) {
    queued_bytes_ -= i->text.size();
    --queued_live_;
  }
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
