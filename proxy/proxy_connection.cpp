#include "proxy/proxy_connection.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "core/log.hpp"
#include "core/text.hpp"
#include "proxy/proxy_exchange.hpp"
#include "proxy/upstream_call.hpp"

namespace kagent::proxy {

namespace {

namespace http = boost::beast::http;
using clock_type = std::chrono::steady_clock;

int ms_left(clock_type::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

// Reads one request; false (with `why`) on a timeout, a hang-up or bad HTTP.
bool read_request(int fd, proxy_context& ctx, incoming& out, std::string& why) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(ctx.max_body);
  parser.eager(true);
  auto deadline = clock_type::now() + std::chrono::seconds(ctx.read_timeout_s);
  std::string pending;
  char buf[16384];
  while (!parser.is_done()) {
    pollfd p{fd, POLLIN, 0};
    int n = ::poll(&p, 1, std::min(ms_left(deadline), 1000));
    if (ctx.stopping) {
      why = "shutting down";
      return false;
    }
    if (n == 0) {
      if (ms_left(deadline) == 0) {
        why = "request not received in time";
        return false;
      }
      continue;
    }
    auto got = ::recv(fd, buf, sizeof buf, 0);
    if (got <= 0) {
      why = "client closed the connection";
      return false;
    }
    pending.append(buf, static_cast<size_t>(got));
    boost::system::error_code ec;
    while (!pending.empty() && !parser.is_done()) {
      auto used = parser.put(boost::asio::buffer(pending), ec);
      pending.erase(0, used);
      if (ec == http::error::need_more) {
        ec = {};
        break;
      }
      if (ec) {
        why = "bad request: " + ec.message();
        return false;
      }
    }
  }
  auto& req = parser.get();
  out.method = std::string{req.method_string()};
  out.target = std::string{req.target()};
  for (auto& f : req)
    out.headers[to_lower(std::string{f.name_string()})] = std::string{f.value()};
  out.body = std::move(req.body());
  return true;
}

void write_all(int fd, const std::string& bytes) {
  size_t sent = 0;
  auto deadline = clock_type::now() + std::chrono::seconds(30);
  while (sent < bytes.size() && ms_left(deadline) > 0) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, ms_left(deadline)) <= 0)
      return;
    auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0)
      return;
    sent += static_cast<size_t>(n);
  }
}

// The stage gave up (its own timeout) or died: no one will read the answer.
bool client_gone(int fd) {
  pollfd p{fd, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

outgoing forward(int fd, const incoming& req, proxy_context& ctx) {
  auto started = clock_type::now();
  auto up = call_upstream(ctx.upstream_url, upstream_headers(req, ctx.dialect, ctx.key), req.body,
                          ctx.timeout_s, ctx.max_reply,
                          [&] { return !ctx.stopping && !client_gone(fd); });
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started);
  auto log = get_logger("proxy");
  using outcome = upstream_reply::outcome;
  switch (up.result) {
    case outcome::answered: {
      ++ctx.forwarded;
      log->info("llm request forwarded status={} bytes_in={} bytes_out={} ms={}", up.status,
                req.body.size(), up.body.size(), ms.count());
      outgoing res;
      res.status = static_cast<int>(up.status);
      res.headers = returned_headers(up.headers);
      res.body = std::move(up.body);
      return res;
    }
    case outcome::timeout:
      log->warn("llm upstream timed out ms={}", ms.count());
      return proxy_error(ctx.dialect, 504, "api_error", "kagent proxy: upstream timed out");
    case outcome::unreachable:
      log->warn("llm upstream unreachable error={}", up.error);
      return proxy_error(ctx.dialect, 502, "api_error",
                         "kagent proxy: upstream unreachable: " + up.error);
    case outcome::aborted:
      log->info("llm request abandoned ms={}", ms.count());
      return proxy_error(ctx.dialect, 503, "api_error", "kagent proxy: abandoned");
    case outcome::failed:
      break;
  }
  log->warn("llm upstream failed error={}", up.error);
  return proxy_error(ctx.dialect, 502, "api_error", "kagent proxy: " + up.error);
}

} // namespace

void serve_connection(int fd, proxy_context& ctx) {
  incoming req;
  std::string why;
  if (!read_request(fd, ctx, req, why)) {
    get_logger("proxy")->warn("llm request not read reason={}", why);
    if (why.rfind("bad request", 0) == 0)
      write_all(fd, render(proxy_error(ctx.dialect, 400, "invalid_request_error",
                                       "kagent proxy: " + why)));
  } else if (auto no = refusal(req, ctx.dialect, ctx.max_body)) {
    get_logger("proxy")->warn("llm request refused method={} status={}", req.method, no->status);
    write_all(fd, render(*no));
  } else {
    write_all(fd, render(forward(fd, req, ctx)));
  }
  ::close(fd);
}

} // namespace kagent::proxy
