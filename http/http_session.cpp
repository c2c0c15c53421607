#include "http/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <caf/send.hpp>

#include "core/api_key.hpp"
#include "core/log.hpp"
#include "http/bridge.hpp"
#include "http/ws_session.hpp"
#include "metrics/labels.hpp"

namespace kagent::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

http_session::http_session(net::ip::tcp::socket&& socket, std::shared_ptr<session_context> ctx)
  : stream_(std::move(socket)), strand_(stream_.get_executor()), ctx_(std::move(ctx)) {
  ++ctx_->sessions;
  beast::error_code ec;
  auto peer = stream_.socket().remote_endpoint(ec);
  client_ = ec ? std::string{"unknown"} : peer.address().to_string();
}

http_session::~http_session() {
  // Calls whose responses were never written (peer gone, timeout, stop).
  for (auto& s : queue_)
    if (s.counted)
      --ctx_->in_flight;
  --ctx_->sessions;
}

void http_session::run() {
  net::dispatch(strand_, beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

void http_session::do_read() {
  if (reading_ || closing_ || closed_ || queue_.size() >= pipeline_limit)
    return;
  reading_ = true;
  parser_.emplace();
  parser_->body_limit(ctx_->limits.max_body_bytes);
  // A read may wait here while earlier calls wait on actors; the bridge's
  // backend timeout is shorter than this, so their responses come first.
  stream_.expires_after(ctx_->timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, size_t) {
  reading_ = false;
  read_at_ = std::chrono::steady_clock::now();
  route_ = metrics::route_other;
  if (closed_)
    return;
  if (ec == bhttp::error::end_of_stream) {
    closing_ = true;
    return maybe_close();
  }
  if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
    auto limit = ec == bhttp::error::body_limit
                   ? error_response(413, "Request body too large (limit "
                                           + std::to_string(ctx_->limits.max_body_bytes)
                                           + " bytes)")
                   : error_response(431, "Request header fields too large");
    closing_ = true;
    return push({std::move(limit), 11, false, false});
  }
  if (ec && &ec.category() == &bhttp::make_error_code(bhttp::error::bad_target).category()) {
    closing_ = true;
    return push({error_response(400, "Malformed HTTP request"), 11, false, false});
  }
  if (ec) {
    // Timeout (the stream closed the socket), reset, or stop.
    closed_ = true;
    return;
  }
  handle(parser_->release());
  do_read();
}

void http_session::handle(request&& req) {
  bool keep_alive = req.keep_alive() && !ctx_->stopping;
  if (!req.keep_alive())
    closing_ = true;
  auto origin = std::string{req[bhttp::field::origin]};
  cors_ = !ctx_->limits.cors_origin.empty() && origin == ctx_->limits.cors_origin;
  auto routed = route(req, ctx_->limits);
  if (routed.immediate)
    route_ = req.target() == "/" ? metrics::route_dashboard : metrics::route_other;
  else
    route_ = to_string(routed.call.kind);
  auto log = get_logger("http");
  if (log->should_log(spdlog::level::debug)) {
    auto target = std::string{req.target()};
    log->debug("request method={} path={} routed={}", std::string{req.method_string()},
               target.substr(0, target.find('?')),
               routed.immediate ? std::to_string(routed.immediate->result_int())
                                : to_string(routed.call.kind));
  }
  if (routed.immediate)
    return push({std::move(routed.immediate), req.version(), keep_alive, false});
  auto& call = routed.call;
  bool ws = call.kind == api_kind::ws_job || call.kind == api_kind::ws_jobs;
  // The key, if any: a header, or for a browser's WebSocket a subprotocol.
  auto key = bearer_token(std::string{req[bhttp::field::authorization]});
  if (key.empty() && ws)
    key = subprotocol_token(std::string{req[bhttp::field::sec_websocket_protocol]});
  if (!key.empty())
    call.key_hash = hash_api_key(key);
  // Browsers apply no CORS to WebSockets: a page from elsewhere is refused here.
  if (ws && !websocket_origin_ok(origin, std::string{req[bhttp::field::host]}, ctx_->limits))
    return push({error_response(403, "WebSocket from a foreign origin"), req.version(),
                 keep_alive, false});
  if (ws && !boost::beast::websocket::is_upgrade(req)) {
    auto res = error_response(426, "This endpoint speaks WebSocket only");
    res.set(bhttp::field::upgrade, "websocket");
    return push({std::move(res), req.version(), keep_alive, false});
  }
  if (call.kind == api_kind::metrics) {
    call.http_in_flight = static_cast<int64_t>(ctx_->in_flight.load());
    call.http_sessions = static_cast<int64_t>(ctx_->sessions.load());
    call.ws_sessions = static_cast<int64_t>(ctx_->ws_sessions.load());
  }
  if (ws) {
    auto verdict = ctx_->ws_admit->try_acquire(client_, ws_slot_);
    if (verdict != ws_admission::verdict::ok) {
      bool server = verdict == ws_admission::verdict::server_full;
      auto res = error_response(server ? 503 : 429,
                                server ? "Too many WebSocket sessions on this server"
                                       : "Too many WebSocket sessions from this address");
      res.set(bhttp::field::retry_after, std::to_string(ctx_->retry_after_s));
      return push({std::move(res), req.version(), keep_alive, false});
    }
  }
  if (ctx_->in_flight.fetch_add(1) >= ctx_->max_in_flight) {
    --ctx_->in_flight;
    auto busy = error_response(503, "Server busy: too many requests in flight");
    busy.set(bhttp::field::retry_after, "1");
    return push({std::move(busy), req.version(), keep_alive, false});
  }
  auto seq = front_seq_ + queue_.size();
  queue_.push_back({std::nullopt, req.version(), keep_alive, true, ws, cors_, route_, read_at_});
  if (ws) {
    // Nothing is read after an upgrade request: the socket may change hands.
    closing_ = true;
    ws_args_.job_id = call.job_id;
    ws_args_.since = call.since;
    ws_args_.hub = ctx_->hub;
    ws_args_.db_reader = ctx_->db_reader;
    ws_args_.window_bytes = ctx_->ws_window_bytes;
    ws_args_.max_queued_bytes = ctx_->ws_max_queued_bytes;
    ws_args_.stall_timeout = ctx_->ws_stall_timeout;
    ws_args_.total_bytes = ctx_->ws_total_bytes;
    ws_args_.max_total_bytes = ctx_->ws_max_total_bytes;
    upgrade_req_ = std::move(req);
  }
  dispatch(seq, std::move(routed.call));
}

void http_session::dispatch(uint64_t seq, api_call&& call) {
  // Runs on a CAF thread: only hands the response to the strand.
  reply_fn done = [self = shared_from_this(), seq](response res) {
    auto strand = self->strand_;
    net::post(strand, [self = std::move(self), seq, res = std::move(res)]() mutable {
      self->on_reply(seq, std::move(res));
    });
  };
  caf::anon_send(ctx_->bridge, http_call_atom::value, std::move(call), std::move(done));
}

void http_session::on_reply(uint64_t seq, response&& res) {
  if (closed_ || seq < front_seq_ || seq - front_seq_ >= queue_.size())
    return;
  queue_[seq - front_seq_].res = std::move(res);
  do_write();
}

void http_session::push(slot&& s) {
  s.cors = cors_;
  s.route = route_;
  s.read_at = read_at_;
  queue_.push_back(std::move(s));
  do_write();
}

void http_session::do_write() {
  if (writing_ || closed_ || queue_.empty() || !queue_.front().res)
    return;
  auto& s = queue_.front();
  if (s.upgrade && s.res->result_int() == 200) {
    // The bridge names whose jobs a /ws/jobs stream may show.
    ws_args_.owner = std::string{(*s.res)[internal_owner_header]};
    ws_args_.all_owners = (*s.res)[internal_all_header] == "1";
    return upgrade();
  }
  writing_ = true;
  if (s.cors) {
    s.res->set(bhttp::field::access_control_allow_origin, ctx_->limits.cors_origin);
    s.res->set(bhttp::field::vary, "Origin");
  }
  s.res->version(s.version);
  s.res->keep_alive(s.keep_alive && !ctx_->stopping);
  stream_.expires_after(ctx_->timeout);
  bhttp::async_write(stream_, *s.res,
                     beast::bind_front_handler(&http_session::on_write, shared_from_this()));
}

void http_session::on_write(beast::error_code ec, size_t) {
  writing_ = false;
  if (ec) {
    closed_ = true;
    stream_.close();
    return;
  }
  auto& s = queue_.front();
  observe(s, s.res->result_int());
  bool close = !s.res->keep_alive();
  if (s.counted)
    --ctx_->in_flight;
  queue_.pop_front();
  ++front_seq_;
  if (close) {
    // Requests read after a closing response are dropped, as on a real close.
    closing_ = true;
    for (auto& rest : queue_)
      if (rest.counted)
        --ctx_->in_flight;
    queue_.clear();
    return do_close();
  }
  do_write();
  do_read();
  maybe_close();
}

void http_session::upgrade() {
  observe(queue_.front(), 101);
  // The upgrade is the last request read, so the queue holds only it.
  for (auto& s : queue_)
    if (s.counted)
      --ctx_->in_flight;
  queue_.clear();
  closed_ = true;
  std::make_shared<ws_session>(std::move(stream_), ctx_, std::move(ws_slot_))
    ->run(std::move(*upgrade_req_), std::move(ws_args_));
}

// Answers count once written (an upgrade once its 101 is due).
void http_session::observe(const slot& s, int status) const {
  if (!ctx_->metrics)
    return;
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - s.read_at;
  ctx_->metrics->http().observe_request(s.route, status, took.count());
}

void http_session::maybe_close() {
  if (closing_ && queue_.empty() && !writing_)
    do_close();
}

void http_session::do_close() {
  if (closed_)
    return;
  closed_ = true;
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
}

} // namespace kagent::http
