#include "cluster/node_registry.hpp"

#include <algorithm>
#include <deque>
#include <map>

#include <caf/all.hpp>

#include "cluster/placement.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

namespace kagent::cluster {

namespace {

/// Room for the file transfer on top of the stage's own deadline.
constexpr auto transfer_allowance = std::chrono::minutes(30);
constexpr auto manifest_timeout = std::chrono::minutes(10);

struct node_entry {
  node_view view;
  worker_actor handle;
  caf::node_id id;
  bool local = false;   ///< in this process: shares the disk and the LLM proxy
};

struct attempt {
  std::string node;
  stage_request req;
  caf::actor requester;
  caf::typed_response_promise<stage_result> promise;
};

struct waiting_attempt {
  stage_request req;
  caf::actor requester;
  caf::typed_response_promise<stage_result> promise;
};

struct registry_state {
  registry_options opts;
  file_server_actor files;
  std::map<std::string, node_entry> nodes;   ///< by name; lost ones kept for the view
  std::map<uint64_t, attempt> attempts;      ///< placed, by attempt id
  std::deque<waiting_attempt> waiting;       ///< no free slot yet
  std::vector<caf::actor> capacity_watchers;
  uint64_t next_attempt = 1;
  int64_t lost_nodes = 0;
  int64_t last_capacity = -1;
  std::shared_ptr<spdlog::logger> log = get_logger("cluster");
  static inline const char* name = "node_registry";
};

using registry_ptr = registry_actor::stateful_pointer<registry_state>;

std::vector<node_load> loads(const registry_state& st, std::vector<std::string>& names) {
  std::vector<node_load> out;
  for (auto& [name, n] : st.nodes) {
    names.push_back(name);
    out.push_back({name, n.view.slots, n.view.busy, n.view.state == "up", n.local});
  }
  return out;
}

void tell_capacity(registry_ptr self) {
  auto& st = self->state;
  std::vector<std::string> names;
  auto slots = total_slots(loads(st, names));
  if (slots == st.last_capacity)
    return;
  st.last_capacity = slots;
  for (auto& w : st.capacity_watchers)
    caf::anon_send(w, capacity_atom::value, slots);
}

void finish_attempt(registry_ptr self, uint64_t id, stage_result res);
void dispatch(registry_ptr self);

void send_attempt(registry_ptr self, uint64_t id, remote_stage rs) {
  auto& st = self->state;
  auto a = st.attempts.find(id);
  if (a == st.attempts.end())
    return;  // cancelled or its node lost meanwhile
  auto node = a->second.node;
  auto& n = st.nodes.at(node);
  auto guard = std::chrono::milliseconds(rs.req.timeout_ms) + transfer_allowance;
  self->request(n.handle, guard, run_atom::value, std::move(rs))
    .then([=](stage_result& r) { finish_attempt(self, id, std::move(r)); },
          [=](caf::error& err) {
            stage_result r;
            r.error = "node " + node + ": " + self->system().render(err);
            finish_attempt(self, id, std::move(r));
          });
}

void place(registry_ptr self, const std::string& node, waiting_attempt w) {
  auto& st = self->state;
  auto& n = st.nodes.at(node);
  auto id = st.next_attempt++;
  ++n.view.busy;
  remote_stage rs;
  rs.attempt_id = id;
  rs.req = w.req;
  rs.shared_disk = n.local;
  rs.head = caf::actor_cast<head_actor>(self);
  // In this process the lines need no relay (and no extra hops: a chatty
  // stage's lines reached WebSocket clients in bursts past their bound).
  if (n.local)
    rs.sink = w.requester;
  w.req.inputs.clear();  // kept with the attempt only to find it again
  st.log->debug("attempt placed id={} job_id={} stage={} node={}", id, w.req.job_id,
                w.req.stage, node);
  st.attempts.emplace(id, attempt{node, std::move(w.req), std::move(w.requester),
                                  std::move(w.promise)});
  if (n.local)
    return send_attempt(self, id, std::move(rs));
  // A remote worker gets the files as they are now; it fetches what it lacks.
  self->request(st.files, manifest_timeout, get_atom::value, rs.req.competition_dir,
                rs.req.description)
    .then(
      [=](competition_manifest& m) mutable {
        rs.competition = std::move(m);
        send_attempt(self, id, std::move(rs));
      },
      [=](caf::error& err) {
        stage_result r;
        r.error = "competition files: " + self->system().render(err);
        finish_attempt(self, id, std::move(r));
      });
}

void dispatch(registry_ptr self) {
  auto& st = self->state;
  for (auto i = st.waiting.begin(); i != st.waiting.end();) {
    std::vector<std::string> names;
    auto pick = pick_node(loads(st, names), i->req.llm_access);
    if (!pick) {
      ++i;
      continue;  // a later attempt may fit where this one does not (LLM)
    }
    auto w = std::move(*i);
    i = st.waiting.erase(i);
    place(self, names[*pick], std::move(w));
  }
}

void finish_attempt(registry_ptr self, uint64_t id, stage_result res) {
  auto& st = self->state;
  auto a = st.attempts.find(id);
  if (a == st.attempts.end())
    return;  // already failed (node lost) or cancelled while waiting
  if (auto n = st.nodes.find(a->second.node); n != st.nodes.end()) {
    n->second.view.busy = std::max(0, n->second.view.busy - 1);
    ++n->second.view.stages_run;
  }
  if (res.node.empty())
    res.node = a->second.node;
  a->second.promise.deliver(std::move(res));
  st.attempts.erase(a);
  dispatch(self);
}

/// `left`: the node shut down in order (SIGTERM), it was not lost.
void lose_node(registry_ptr self, const std::string& name, const std::string& why,
               bool left = false) {
  auto& st = self->state;
  auto n = st.nodes.find(name);
  if (n == st.nodes.end() || n->second.view.state != "up")
    return;
  n->second.view.state = left ? "left" : "lost";
  n->second.view.busy = 0;
  if (!left)
    ++st.lost_nodes;
  std::vector<uint64_t> lost;
  for (auto& [id, a] : st.attempts)
    if (a.node == name)
      lost.push_back(id);
  n->second.view.stages_lost += static_cast<int64_t>(lost.size());
  if (left)
    st.log->info("node left name={} attempts_failed={}", name, lost.size());
  else
    st.log->warn("node lost name={} reason={} attempts_failed={}", name, why, lost.size());
  for (auto id : lost) {
    auto a = std::move(st.attempts.at(id));
    st.attempts.erase(id);
    stage_result r;
    r.node = name;
    r.error = "node " + name + " was lost during the stage (" + why + ")";
    a.promise.deliver(std::move(r));
  }
  // Keep the view short: the oldest lost nodes go first.
  size_t lost_count = 0;
  for (auto& [_, e] : st.nodes)
    lost_count += e.view.state != "up";
  while (lost_count > st.opts.max_lost_listed) {
    auto oldest = st.nodes.end();
    for (auto i = st.nodes.begin(); i != st.nodes.end(); ++i)
      if (i->second.view.state != "up"
          && (oldest == st.nodes.end()
              || i->second.view.last_heartbeat < oldest->second.view.last_heartbeat))
        oldest = i;
    st.nodes.erase(oldest);
    --lost_count;
  }
  tell_capacity(self);
  dispatch(self);
}

join_ack join(registry_ptr self, node_hello& hello, worker_actor& worker) {
  auto& st = self->state;
  join_ack ack;
  ack.head = st.opts.head;
  ack.heartbeat_ms = st.opts.heartbeat_ms;
  if (hello.protocol != protocol_version) {
    ack.reason = "the head speaks " + std::string{protocol_version} + ", this worker "
                 + hello.protocol;
    st.log->warn("join refused name={} reason={}", hello.name, ack.reason);
    return ack;
  }
  if (hello.name.empty() || hello.name.size() > 255 || hello.slots < 1 || hello.slots > 4096
      || !worker) {
    ack.reason = "a node needs a name (at most 255 characters) and 1 to 4096 slots";
    st.log->warn("join refused name={} reason={}", hello.name.substr(0, 255), ack.reason);
    return ack;
  }
  // A worker that restarted before its loss was noticed: the old one is gone.
  if (auto old = st.nodes.find(hello.name);
      old != st.nodes.end() && old->second.view.state == "up" && old->second.handle != worker)
    lose_node(self, hello.name, "replaced by a new join");
  bool local = worker.node() == self->node();
  node_entry e;
  e.handle = worker;
  e.id = worker.node();
  e.local = local;
  e.view.name = hello.name;
  e.view.address = local ? "local" : hello.address.substr(0, 255);
  e.view.node_id = to_string(worker.node());
  e.view.slots = hello.slots;
  e.view.sandbox = hello.sandbox;
  e.view.version = hello.version;
  e.view.joined_at = now_ms();
  e.view.last_heartbeat = e.view.joined_at;
  e.view.state = "up";
  if (auto old = st.nodes.find(hello.name); old != st.nodes.end()) {
    e.view.stages_run = old->second.view.stages_run;
    e.view.stages_lost = old->second.view.stages_lost;
  }
  st.nodes[hello.name] = std::move(e);
  // Notices a killed worker (its connection closes) and a frozen one (the
  // middleman's heartbeat times out): both end in a down message.
  self->monitor(worker);
  st.log->info("node joined name={} slots={} sandbox={} version={} address={}", hello.name,
               hello.slots, hello.sandbox, hello.version, st.nodes[hello.name].view.address);
  ack.accepted = true;
  tell_capacity(self);
  dispatch(self);
  return ack;
}

registry_actor::behavior_type node_registry(registry_ptr self, registry_options opts,
                                            file_server_actor files) {
  self->state.opts = std::move(opts);
  self->state.files = std::move(files);
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    for (auto& [name, n] : st.nodes)
      if (n.view.state == "up" && n.handle.address() == msg.source)
        return lose_node(self, name, self->system().render(msg.reason),
                         msg.reason == caf::exit_reason::user_shutdown);
    // A job actor that died mid-stage: its attempt is killed, as a local
    // launcher kills the child of a requester that is gone.
    for (auto& [id, a] : st.attempts)
      if (a.requester.address() == msg.source) {
        auto& n = st.nodes.at(a.node);
        caf::anon_send(n.handle, cancel_atom::value, id);
      }
  });
  return {
    [=](join_atom, node_hello& hello, worker_actor& worker) { return join(self, hello, worker); },
    [=](heartbeat_atom, const std::string& name, int32_t) {
      auto& st = self->state;
      auto n = st.nodes.find(name);
      // An anonymous message (no sender, possible over BASP too) must not crash the head.
      if (n != st.nodes.end() && self->current_sender()
          && n->second.id == self->current_sender()->node())
        n->second.view.last_heartbeat = now_ms();
    },
    [=](stage_event_atom, uint64_t id, job_event& ev) {
      auto& st = self->state;
      auto a = st.attempts.find(id);
      if (a == st.attempts.end())
        return;  // the attempt was failed or cancelled meanwhile
      // Only the node running the attempt speaks for it.
      auto& n = st.nodes.at(a->second.node);
      if (!self->current_sender() || n.id != self->current_sender()->node())
        return;
      caf::anon_send(a->second.requester, stage_event_atom::value, std::move(ev));
    },
    [=](chunk_atom, const std::string& sha, int64_t offset) {
      return self->delegate(self->state.files, chunk_atom::value, sha, offset);
    },
    [=](run_atom, stage_request& req) -> caf::result<stage_result> {
      auto& st = self->state;
      auto requester = caf::actor_cast<caf::actor>(self->current_sender());
      if (requester)
        self->monitor(requester);
      auto rp = self->make_response_promise<stage_result>();
      st.waiting.push_back({std::move(req), std::move(requester), rp});
      dispatch(self);
      return rp;
    },
    [=](cancel_atom, const std::string& job_id) {
      auto& st = self->state;
      for (auto i = st.waiting.begin(); i != st.waiting.end();) {
        if (i->req.job_id != job_id) {
          ++i;
          continue;
        }
        stage_result r;
        r.cancelled = true;
        r.error = "cancelled";
        i->promise.deliver(std::move(r));
        i = st.waiting.erase(i);
      }
      for (auto& [id, a] : st.attempts)
        if (a.req.job_id == job_id)
          caf::anon_send(st.nodes.at(a.node).handle, cancel_atom::value, id);
      return caf::ok_atom::value;
    },
    [=](list_atom) {
      auto& st = self->state;
      cluster_view v;
      v.head = st.opts.head;
      for (auto& [_, n] : st.nodes) {
        v.nodes.push_back(n.view);
        if (n.local && n.view.state == "up")
          v.nodes.back().last_heartbeat = now_ms();  // in this process: alive while we answer
      }
      std::stable_sort(v.nodes.begin(), v.nodes.end(), [](const node_view& a, const node_view& b) {
        return (a.state == "up") > (b.state == "up");
      });
      std::vector<std::string> names;
      auto l = loads(st, names);
      v.slots = total_slots(l);
      v.busy = busy_slots(l);
      v.waiting = static_cast<int64_t>(st.waiting.size());
      v.lost_nodes = st.lost_nodes;
      return v;
    },
    [=](capacity_atom, caf::actor& watcher) {
      auto& st = self->state;
      st.capacity_watchers.push_back(watcher);
      std::vector<std::string> names;
      caf::anon_send(watcher, capacity_atom::value, total_slots(loads(st, names)));
    },
  };
}

} // namespace

registry_actor spawn_node_registry(caf::actor_system& sys, registry_options opts,
                                   file_server_actor files) {
  return sys.spawn(node_registry, std::move(opts), std::move(files));
}

} // namespace kagent::cluster
