#include "actors/progress_hub.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>
#include <unordered_map>

#include <caf/all.hpp>

#include "actors/progress_hub_logic.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"

namespace kagent {

namespace {

struct job_stream {
  std::deque<job_event> ring;
  bool known = false;                  ///< an event or snapshot was published
  std::vector<caf::actor> subscribers;
  std::optional<job_record> last;      ///< newest snapshot
  int64_t last_sent_ms = 0;            ///< when a snapshot went to global subscribers
  bool flush_pending = false;          ///< a coalesced snapshot waits for flush_atom
  bool ended = false;
};

struct hub_state {
  progress_hub_options opts;
  std::unordered_map<std::string, job_stream> jobs;
  std::vector<caf::actor> global;
  static inline const char* name = "progress_hub";
};

using hub_ptr = caf::stateful_actor<hub_state>*;

void erase_actor(std::vector<caf::actor>& xs, const caf::actor_addr& a) {
  xs.erase(std::remove_if(xs.begin(), xs.end(),
                          [&](const caf::actor& x) { return x.address() == a; }),
           xs.end());
}

void drop_if_idle(hub_ptr self, const std::string& id) {
  auto i = self->state.jobs.find(id);
  if (i != self->state.jobs.end() && !i->second.known && i->second.subscribers.empty())
    self->state.jobs.erase(i);
}

void send_snapshot(hub_ptr self, job_stream& js) {
  js.last_sent_ms = now_ms();
  for (auto& g : self->state.global)
    self->send(g, publish_atom::value, *js.last);
}

void on_snapshot(hub_ptr self, job_record& rec) {
  auto& st = self->state;
  auto id = rec.id;
  auto& js = st.jobs[id];
  js.known = true;
  auto change = classify(js.last ? &*js.last : nullptr, rec);
  js.last = std::move(rec);
  if (change == snapshot_change::state
      || (change == snapshot_change::progress
          && progress_due(js.last_sent_ms, now_ms(), st.opts.progress_interval_ms))) {
    send_snapshot(self, js);
  } else if (change == snapshot_change::progress && !js.flush_pending) {
    js.flush_pending = true;
    auto wait = st.opts.progress_interval_ms - (now_ms() - js.last_sent_ms);
    self->delayed_send(self, std::chrono::milliseconds(std::max<int64_t>(1, wait)),
                       flush_atom::value, id);
  }
  if (is_terminal(js.last->status) && !js.ended) {
    js.ended = true;
    self->delayed_send(self, std::chrono::milliseconds(st.opts.linger_ms), forget_atom::value,
                       id);
  }
}

caf::behavior progress_hub(hub_ptr self, progress_hub_options opts) {
  self->state.opts = opts;
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    erase_actor(st.global, msg.source);
    std::vector<std::string> idle;
    for (auto& [id, js] : st.jobs) {
      erase_actor(js.subscribers, msg.source);
      if (!js.known && js.subscribers.empty())
        idle.push_back(id);
    }
    for (auto& id : idle)
      st.jobs.erase(id);
  });
  return {
    [=](publish_atom, job_event& ev) {
      auto& js = self->state.jobs[ev.job_id];
      js.known = true;
      // One message for all subscribers: CAF shares its content (copy on
      // write), so 10,000 subscribers cost 10,000 enqueues, not 10,000 copies.
      auto msg = caf::make_message(publish_atom::value, ev);
      for (auto& s : js.subscribers)
        self->send(s, msg);
      ring_push(js.ring, std::move(ev), self->state.opts.ring_capacity);
    },
    [=](publish_atom, job_record& rec) { on_snapshot(self, rec); },
    [=](flush_atom, const std::string& id) {
      auto i = self->state.jobs.find(id);
      if (i == self->state.jobs.end() || !i->second.flush_pending)
        return;
      i->second.flush_pending = false;
      send_snapshot(self, i->second);
    },
    [=](forget_atom, const std::string& id) {
      auto i = self->state.jobs.find(id);
      if (i != self->state.jobs.end() && i->second.ended)
        self->state.jobs.erase(i);
    },
    [=](subscribe_atom, const std::string& id, int64_t since, caf::actor& sub) {
      auto& js = self->state.jobs[id];
      self->monitor(sub);
      js.subscribers.push_back(std::move(sub));
      hub_replay r;
      r.known = js.known;
      r.oldest = js.ring.empty() ? 0 : js.ring.front().seq;
      r.events = replay_from(js.ring, since);
      if (js.ended)
        r.final_status = js.last->status;
      return r;
    },
    [=](subscribe_atom, caf::actor& sub) {
      self->monitor(sub);
      self->state.global.push_back(std::move(sub));
      std::vector<job_record> live;
      for (auto& [id, js] : self->state.jobs)
        if (js.last)
          live.push_back(*js.last);
      return live;
    },
    [=](unsubscribe_atom, const caf::actor& sub) {
      auto& st = self->state;
      self->demonitor(sub);
      erase_actor(st.global, sub.address());
      std::vector<std::string> ids;
      for (auto& [id, js] : st.jobs) {
        erase_actor(js.subscribers, sub.address());
        ids.push_back(id);
      }
      for (auto& id : ids)
        drop_if_idle(self, id);
    },
    [=](stats_atom) {
      hub_stats s;
      s.jobs = static_cast<int64_t>(self->state.jobs.size());
      s.subscribers = static_cast<int64_t>(self->state.global.size());
      for (auto& [id, js] : self->state.jobs)
        s.subscribers += static_cast<int64_t>(js.subscribers.size());
      return s;
    },
  };
}

} // namespace

caf::actor spawn_progress_hub(caf::actor_system& sys, progress_hub_options opts) {
  return sys.spawn(progress_hub, opts);
}

} // namespace kagent
