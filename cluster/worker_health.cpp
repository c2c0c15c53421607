#include "cluster/worker_health.hpp"

#include <atomic>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <caf/all.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace kagent::cluster {

std::string worker_health_json(const std::string& name, const worker_status& s, bool answered) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  auto str = [&](const char* k, const std::string& v) {
    w.Key(k);
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  str("status", !answered ? "unhealthy" : s.connected ? "healthy" : "joining");
  str("role", "worker");
  str("node", name);
  str("head", s.connected ? s.head : "");
  w.Key("slots");
  w.Int(s.slots);
  w.Key("busy");
  w.Int(s.busy);
  w.Key("stages_run");
  w.Int64(s.stages_run);
  w.Key("cached_bytes");
  w.Int64(s.cached_bytes);
  w.EndObject();
  return buf.GetString();
}

struct worker_health::impl {
  caf::actor_system& sys;
  worker_node_actor node;
  std::string name;
  asio::io_context ioc{1};
  asio::ip::tcp::acceptor acceptor{ioc};
  std::thread thread;
  std::atomic<bool> stopped{false};

  impl(caf::actor_system& s, worker_node_actor n, std::string nm)
      : sys(s), node(std::move(n)), name(std::move(nm)) {}

  bhttp::response<bhttp::string_body> answer(const bhttp::request<bhttp::string_body>& req) {
    bhttp::response<bhttp::string_body> res;
    res.version(req.version());
    res.keep_alive(false);
    res.set(bhttp::field::content_type, "application/json");
    if (req.target() != "/health") {
      res.result(bhttp::status::not_found);
      res.body() = R"({"detail":"a worker answers GET /health only"})";
    } else {
      worker_status s;
      bool answered = false;
      caf::scoped_actor self{sys};
      self->request(node, std::chrono::seconds(2), stats_atom::value)
        .receive([&](worker_status& x) { s = x; answered = true; }, [](caf::error&) {});
      res.result(answered && s.connected ? bhttp::status::ok
                                         : bhttp::status::service_unavailable);
      res.body() = worker_health_json(name, s, answered);
    }
    res.prepare_payload();
    return res;
  }

  // One request per connection, served in this thread: /health is small
  // and rare, and a slow client is cut off by the timeout.
  void serve() {
    while (!stopped) {
      beast::tcp_stream stream{ioc};
      beast::error_code ec;
      acceptor.accept(stream.socket(), ec);
      if (ec || stopped)
        continue;
      stream.expires_after(std::chrono::seconds(5));
      beast::flat_buffer buf;
      bhttp::request<bhttp::string_body> req;
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(4096);
      bhttp::read(stream, buf, parser, ec);
      if (ec)
        continue;
      auto res = answer(parser.get());
      bhttp::write(stream, res, ec);
      stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    }
  }
};

result<std::unique_ptr<worker_health>> worker_health::start(caf::actor_system& sys,
                                                            const std::string& host,
                                                            uint16_t port,
                                                            worker_node_actor node,
                                                            std::string name) {
  auto p = std::make_unique<impl>(sys, std::move(node), std::move(name));
  beast::error_code ec;
  auto addr = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec)
    return failure{"bad --host " + host + ": " + ec.message()};
  asio::ip::tcp::endpoint ep{addr, port};
  p->acceptor.open(ep.protocol(), ec);
  if (!ec)
    p->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    p->acceptor.bind(ep, ec);
  if (!ec)
    p->acceptor.listen(16, ec);
  if (ec)
    return failure{"cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message()};
  auto* raw = p.get();
  p->thread = std::thread([raw] { raw->serve(); });
  return std::unique_ptr<worker_health>(new worker_health(std::move(p)));
}

worker_health::worker_health(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

worker_health::~worker_health() { stop(); }

uint16_t worker_health::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void worker_health::stop() {
  if (!impl_ || impl_->stopped.exchange(true))
    return;
  // Wakes the blocking accept: a connection to ourselves.
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  if (!ec) {
    asio::ip::tcp::socket s{impl_->ioc};
    if (ep.address().is_unspecified())
      ep.address(asio::ip::make_address("127.0.0.1"));
    s.connect(ep, ec);
  }
  if (impl_->thread.joinable())
    impl_->thread.join();
  impl_->acceptor.close(ec);
}

} // namespace kagent::cluster
