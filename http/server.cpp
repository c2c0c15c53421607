#include "http/server.hpp"

#include <algorithm>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>

#include "core/log.hpp"
#include "http/bridge.hpp"
#include "http/listener.hpp"
#include "http/ws_session.hpp"

namespace kagent::http {

namespace net = boost::asio;

struct server::impl {
  caf::actor_system& sys;
  std::optional<net::io_context> ioc;  // reset by stop(): releases idle sessions
  net::executor_work_guard<net::io_context::executor_type> work;
  std::shared_ptr<session_context> ctx;
  std::shared_ptr<listener> lst;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  bool stopped = false;

  impl(caf::actor_system& sys, int threads)
    : sys(sys), ioc(std::in_place, threads), work(net::make_work_guard(*ioc)) {
  }
};

namespace {

std::vector<std::shared_ptr<ws_session>> live_websockets(server::impl& p) {
  std::vector<std::shared_ptr<ws_session>> out;
  std::lock_guard<std::mutex> guard{p.ctx->ws_mutex};
  for (auto& [key, weak] : p.ctx->ws)
    if (auto ws = weak.lock())
      out.push_back(std::move(ws));
  return out;
}

} // namespace

server::server(std::unique_ptr<impl> p) : impl_(std::move(p)) {
}

caf::expected<std::unique_ptr<server>>
server::start(caf::actor_system& sys, const http_options& opts, backends b, server_info info) {
  auto n = static_cast<int>(std::max<size_t>(1, opts.threads));
  auto p = std::make_unique<impl>(sys, n);
  auto ctx = std::make_shared<session_context>();
  ctx->limits.max_body_bytes = opts.max_body_bytes;
  ctx->max_in_flight = std::max<size_t>(1, opts.max_in_flight);
  ctx->timeout = std::chrono::seconds{std::max(1, opts.request_timeout_s)};
  ctx->sys = &sys;
  ctx->ws_admit = std::make_shared<ws_admission>(opts.max_websockets,
                                                 opts.max_websockets_per_client);
  ctx->ws_max_queued_bytes = std::max<size_t>(4096, opts.ws_queue_bytes);
  // A quarter of the bound goes out unacknowledged, at most 64 KiB.
  ctx->ws_window_bytes = std::min<size_t>(64 * 1024, ctx->ws_max_queued_bytes / 4);
  ctx->ws_stall_timeout = std::chrono::seconds{std::max(1, opts.ws_stall_timeout_s)};
  ctx->ws_max_total_bytes = static_cast<int64_t>(opts.ws_total_queue_bytes);
  ctx->retry_after_s = info.retry_after_s;
  info.metrics = metrics::or_private(std::move(info.metrics));
  ctx->metrics = info.metrics;
  ctx->hub = b.hub;
  ctx->db_reader = b.db_reader;
  auto lst = listener::make(*p->ioc, opts.host, opts.port, ctx);
  if (!lst)
    return std::move(lst.error());
  // A quarter of the connection timeout per backend request: a call makes
  // at most three in a row, so its response is written before a read that
  // was started with it times out.
  auto backend_timeout = std::max(std::chrono::milliseconds{250},
                                  std::chrono::milliseconds{opts.request_timeout_s * 250});
  ctx->limits.allowed_hosts = default_allowed_hosts(opts.host, (*lst)->port(), opts.allowed_hosts);
  ctx->limits.cors_origin = opts.cors_origin;
  ctx->bridge = spawn_bridge(sys, std::move(b), std::move(info), backend_timeout);
  p->ctx = ctx;
  p->lst = std::move(*lst);
  p->port = p->lst->port();
  p->lst->run();
  for (int i = 0; i < n; ++i)
    p->threads.emplace_back([io = &*p->ioc] {
      try {
        io->run();
      } catch (const std::exception& e) {
        get_logger("http")->error("io thread died error={}", e.what());
      }
    });
  get_logger("http")->info("http listening host={} port={} threads={}", opts.host,
                           p->lst->port(), n);
  return std::unique_ptr<server>{new server(std::move(p))};
}

uint16_t server::port() const {
  return impl_->port;
}

size_t server::sessions() const {
  return impl_->ctx->sessions.load();
}

size_t server::in_flight() const {
  return impl_->ctx->in_flight.load();
}

void server::stop(std::chrono::milliseconds drain) {
  auto& p = *impl_;
  if (p.stopped)
    return;
  p.stopped = true;
  auto log = get_logger("http");
  p.ctx->stopping = true;
  p.lst->stop();
  auto deadline = std::chrono::steady_clock::now() + drain;
  while (p.ctx->in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  log->info("http stopping in_flight={} sessions={} websockets={}", p.ctx->in_flight.load(),
            p.ctx->sessions.load(), p.ctx->ws_sessions.load());
  // WebSocket close frames (1001), then a short wait for the closing handshakes.
  for (auto& ws : live_websockets(p))
    ws->shutdown();
  auto ws_deadline = std::chrono::steady_clock::now() + std::chrono::seconds{2};
  while (p.ctx->ws_sessions.load() > 0 && std::chrono::steady_clock::now() < ws_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  // Idle keep-alive sessions end here; pending handlers die with the io_context.
  p.work.reset();
  p.ioc->stop();
  for (auto& t : p.threads)
    t.join();
  p.threads.clear();
  // The bridge may still hold reply functions (and through them sessions):
  // end it and wait, so every session is released before the io_context goes.
  // This runs on the caller's thread, never on an I/O thread.
  caf::scoped_actor self{p.sys};
  self->send_exit(p.ctx->bridge, caf::exit_reason::user_shutdown);
  self->wait_for(p.ctx->bridge);
  // Feeds hold their WebSocket sessions the same way.
  for (auto& ws : live_websockets(p)) {
    if (auto feed = ws->feed()) {
      self->send_exit(feed, caf::exit_reason::user_shutdown);
      self->wait_for(feed);
    }
  }
  // Now nothing else holds a session: destroying the io_context destroys the
  // pending handlers, and with them the last sessions and their sockets.
  p.lst.reset();
  p.ioc.reset();
  log->info("http stopped sessions={}", p.ctx->sessions.load());
}

server::~server() {
  stop(std::chrono::milliseconds{0});
}

} // namespace kagent::http
