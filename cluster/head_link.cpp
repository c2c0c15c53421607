#include "cluster/head_link.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "core/log.hpp"

namespace kagent::cluster {

namespace {

constexpr auto connect_timeout = std::chrono::seconds(10);
constexpr auto join_timeout = std::chrono::seconds(10);

using connect_now_atom = caf::atom_constant<caf::atom("conn_now")>;

struct link_state {
  link_options opts;
  worker_node_actor node;
  head_actor head;
  int64_t backoff_ms = 0;
  bool connecting = false;
  std::shared_ptr<spdlog::logger> log = get_logger("cluster");
  static inline const char* name = "head_link";
};

using link_ptr = caf::stateful_actor<link_state>*;

void retry_later(link_ptr self, const std::string& why) {
  auto& st = self->state;
  st.connecting = false;
  st.backoff_ms = std::clamp(st.backoff_ms * 2, st.opts.min_backoff_ms, st.opts.max_backoff_ms);
  st.log->warn("no head host={} port={} reason={} retry_in_ms={}", st.opts.host, st.opts.port,
               why, st.backoff_ms);
  self->delayed_send(self, std::chrono::milliseconds(st.backoff_ms), connect_now_atom::value);
}

void join(link_ptr self, head_actor head) {
  auto& st = self->state;
  self->request(head, join_timeout, join_atom::value, st.opts.hello,
                caf::actor_cast<worker_actor>(st.node))
    .then(
      [=](join_ack& ack) {
        auto& st = self->state;
        if (!ack.accepted) {
          // Another version or a bad hello: trying again at once would not help.
          st.backoff_ms = st.opts.max_backoff_ms;
          return retry_later(self, "join refused: " + ack.reason);
        }
        st.connecting = false;
        st.backoff_ms = 0;
        st.head = head;
        self->monitor(head);
        st.log->info("joined head={} host={} port={} slots={}", ack.head, st.opts.host,
                     st.opts.port, st.opts.hello.slots);
        self->send(st.node, connected_atom::value, head, ack.head, ack.heartbeat_ms);
      },
      [=](caf::error& err) { retry_later(self, "join: " + self->system().render(err)); });
}

void connect(link_ptr self) {
  auto& st = self->state;
  if (st.connecting || st.head)
    return;
  st.connecting = true;
  auto mm = self->system().middleman().actor_handle();
  self->request(mm, connect_timeout, caf::connect_atom::value, st.opts.host, st.opts.port)
    .then(
      [=](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>& ifs) {
        if (!ptr)
          return retry_later(self, "nothing published on that port");
        // A head built from another protocol publishes other signatures.
        if (ifs != self->system().message_types<head_actor>())
          return retry_later(self, "the head speaks another cluster protocol");
        join(self, caf::actor_cast<head_actor>(std::move(ptr)));
      },
      [=](caf::error& err) { retry_later(self, self->system().render(err)); });
}

caf::behavior head_link(link_ptr self, link_options opts, worker_node_actor node) {
  self->state.opts = std::move(opts);
  self->state.node = std::move(node);
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    if (!st.head || msg.source != st.head.address())
      return;
    st.head = head_actor{};
    self->send(st.node, disconnected_atom::value);
    retry_later(self, "head lost: " + self->system().render(msg.reason));
  });
  self->send(self, connect_now_atom::value);
  return {
    [=](connect_now_atom) { connect(self); },
  };
}

} // namespace

caf::actor spawn_head_link(caf::actor_system& sys, link_options opts, worker_node_actor node) {
  return sys.spawn(head_link, std::move(opts), std::move(node));
}

std::optional<std::pair<std::string, uint16_t>> parse_host_port(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= s.size())
    return std::nullopt;
  auto host = s.substr(0, colon);
  if (host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port_text = s.substr(colon + 1);
  if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  auto port = std::stoul(port_text);
  if (port == 0 || port > 65535 || host.empty())
    return std::nullopt;
  return std::make_pair(host, static_cast<uint16_t>(port));
}

} // namespace kagent::cluster
