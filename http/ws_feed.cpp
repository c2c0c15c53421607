#include "http/ws_feed.hpp"

#include <chrono>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/progress_hub_logic.hpp"
#include "core/log.hpp"
#include "http/ws_frames.hpp"

namespace kagent::http {

namespace {

constexpr auto db_timeout = std::chrono::seconds(30);
constexpr int max_gap_retries = 20;  ///< the database lags the hub by a commit at most

struct feed_state {
  ws_feed_args args;
  ws_sink sink;
  event_cursor cursor{0};
  bool replaying = true;                ///< live events wait in `buffered`
  std::vector<job_event> buffered;
  bool ended = false;
  std::string final_status;             ///< from the hub: the job had ended
  static inline const char* name = "ws_feed";
};

using feed_ptr = caf::stateful_actor<feed_state>*;

void end_stream(feed_ptr self, const std::string& status) {
  auto& st = self->state;
  if (st.ended)
    return;
  st.ended = true;
  st.sink.send(end_frame(st.args.job_id, status), 0, st.replaying);
  st.sink.close(1000, "");
  self->send(st.args.hub, unsubscribe_atom::value, caf::actor{self});
  self->quit();
}

void deliver(feed_ptr self, std::vector<job_event> evs) {
  auto& st = self->state;
  if (st.ended)
    return;
  for (auto& ev : st.cursor.take(std::move(evs))) {
    st.sink.send(event_frame(ev), ev.seq, st.replaying);
    if (auto status = terminal_status_of(ev); !status.empty())
      return end_stream(self, status);
  }
}

// Replay is complete: buffered live events go out, and a job that had ended
// before the subscription ends its stream here (its status event may lie
// at or before since).
void go_live(feed_ptr self) {
  auto& st = self->state;
  deliver(self, std::move(st.buffered));
  st.buffered.clear();
  st.replaying = false;
  if (!st.final_status.empty() && !st.cursor.has_gap())
    end_stream(self, st.final_status);
}

// Reads events after the cursor from the database. A job the hub does not
// know may have ended long ago: its row then says so even when its status
// event is missing (a job that crashed too often).
void fetch_db(feed_ptr self, bool known, int retries) {
  auto& st = self->state;
  auto id = st.args.job_id;
  auto fail = [=](caf::error& err) {
    get_logger("http")->warn("ws replay failed job_id={} error={}", id,
                             self->system().render(err));
    self->state.sink.close(1011, "replay failed; resume with since="
                                   + std::to_string(self->state.cursor.last()));
    self->quit(err);
  };
  self->request(st.args.db_reader, db_timeout, events_atom::value, id, st.cursor.last())
    .then(
      [=](std::vector<job_event>& evs) {
        deliver(self, std::move(evs));
        if (self->state.ended)
          return;
        auto gap = !self->state.buffered.empty()
                   && self->state.buffered.front().seq > self->state.cursor.last() + 1;
        if ((gap || self->state.cursor.has_gap()) && retries < max_gap_retries) {
          self->delayed_send(self, std::chrono::milliseconds(100), retry_atom::value, known,
                             retries + 1);
          return;
        }
        go_live(self);
        if (known || self->state.ended)
          return;
        self->request(self->state.args.db_reader, db_timeout, get_atom::value, id)
          .then(
            [=](job_record& rec) {
              if (is_terminal(rec.status) && !self->state.cursor.has_gap())
                end_stream(self, rec.status);
            },
            fail);
      },
      fail);
}

caf::behavior job_feed(feed_ptr self) {
  auto& st = self->state;
  st.cursor = event_cursor{st.args.since};
  self->request(st.args.hub, db_timeout, subscribe_atom::value, st.args.job_id, st.args.since,
                caf::actor{self})
    .then([=](hub_replay& r) {
      auto since = self->state.cursor.last();
      self->state.final_status = r.final_status;
      bool db = needs_database(since, r.known, r.oldest);
      if (db) {
        // Keep the ring's events until the database has filled what precedes them.
        auto& b = self->state.buffered;
        b.insert(b.begin(), r.events.begin(), r.events.end());
        return fetch_db(self, r.known, 0);
      }
      deliver(self, std::move(r.events));
      go_live(self);
    },
          [=](caf::error& err) {
            self->state.sink.close(1011, "progress hub unavailable");
            self->quit(err);
          });
  return {
    [=](publish_atom, job_event& ev) {
      if (self->state.replaying)
        self->state.buffered.push_back(std::move(ev));
      else
        deliver(self, {std::move(ev)});
    },
    [=](retry_atom, bool known, int retries) { fetch_db(self, known, retries); },
  };
}

caf::behavior jobs_feed(feed_ptr self) {
  self->request(self->state.args.hub, db_timeout, subscribe_atom::value, caf::actor{self})
    .then(
      [=](std::vector<job_record>& live) {
        for (auto& rec : live)
          self->state.sink.send(job_frame(rec), 0, true);
      },
      [=](caf::error& err) {
        self->state.sink.close(1011, "progress hub unavailable");
        self->quit(err);
      });
  return {
    [=](publish_atom, const job_record& rec) { self->state.sink.send(job_frame(rec), 0, false); },
  };
}

caf::behavior ws_feed(feed_ptr self, ws_feed_args args, ws_sink sink) {
  self->state.args = std::move(args);
  self->state.sink = std::move(sink);
  return self->state.args.job_id.empty() ? jobs_feed(self) : job_feed(self);
}

} // namespace

caf::actor spawn_ws_feed(caf::actor_system& sys, ws_feed_args args, ws_sink sink) {
  return sys.spawn(ws_feed, std::move(args), std::move(sink));
}

} // namespace kagent::http
