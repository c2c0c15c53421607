#include "http/ws_feed.hpp"

#include <chrono>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/progress_hub_logic.hpp"
#include "core/log.hpp"
#include "http/ws_frames.hpp"
#include "http/ws_outbox.hpp"

namespace kagent::http {

namespace {

constexpr auto db_timeout = std::chrono::seconds(30);
constexpr int max_gap_retries = 20;  ///< the database lags the hub by a commit at most
/// History is read from the database this many events at a time, the next
/// page only once the session has written the last: a reader that does not
/// read holds one page, not the job's whole history (issue 9).
constexpr int64_t replay_page = 256;

/// Sent to self when an acknowledgement is overdue (never leaves the actor).
using stall_atom = caf::atom_constant<caf::atom("ws_stall")>;

struct feed_state {
  ws_feed_args args;
  ws_sink sink;
  ws_outbox outbox{64 * 1024, 256 * 1024};
  uint64_t ack_gen = 0;                 ///< which acknowledgement the stall timer waits for
  bool closing = false;                 ///< close once the outbox is empty
  bool page_wanted = false;             ///< more history waits in the database
  bool page_known = false;              ///< ... of a job the hub knows
  uint16_t close_code = 1000;
  event_cursor cursor{0};
  bool replaying = true;                ///< live events wait in `buffered`
  std::vector<job_event> buffered;
  bool ended = false;
  std::string final_status;             ///< from the hub: the job had ended
  static inline const char* name = "ws_feed";
};

using feed_ptr = caf::stateful_actor<feed_state>*;

// Keeps the server-wide count of waiting live bytes in step with the outbox.
void account(feed_ptr self, size_t before) {
  auto& st = self->state;
  if (st.args.total_bytes)
    *st.args.total_bytes += static_cast<int64_t>(st.outbox.live_bytes())
                            - static_cast<int64_t>(before);
}

// Hands the session what fits its window; closes once everything is out.
void pump(feed_ptr self) {
  auto& st = self->state;
  auto before = st.outbox.live_bytes();
  for (auto& f : st.outbox.take()) {
    if (f.ack) {
      // One timer per acknowledgement asked for: if it is still the one
      // outstanding when the timer fires, the consumer stalled.
      auto gen = ++st.ack_gen;
      self->delayed_send(self, st.args.stall_timeout, stall_atom::value, gen);
    }
    st.sink.send(std::move(f.text), f.seq, f.ack);
  }
  account(self, before);
  if (st.closing && st.outbox.empty()) {
    st.sink.close(st.close_code, "");
    if (st.args.hub)
      self->send(st.args.hub, unsubscribe_atom::value, caf::actor{self});
    self->quit();
  }
}

// A consumer that does not keep up: what waits is dropped and the session
// closes with 4000, naming the last event it wrote.
void slow_consumer(feed_ptr self, const char* why) {
  auto& st = self->state;
  get_logger("http")->warn("ws slow consumer closed job_id={} why={} in_flight={}",
                           st.args.job_id, why, st.outbox.in_flight());
  auto before = st.outbox.live_bytes();
  st.outbox.clear();
  account(self, before);
  st.ended = true;
  st.closing = true;
  st.close_code = slow_consumer_code;
  pump(self);
}

void send_frame(feed_ptr self, std::string frame, int64_t seq, bool replay) {
  auto& st = self->state;
  if (st.closing)
    return;
  auto before = st.outbox.live_bytes();
  st.outbox.push(std::move(frame), seq, replay);
  account(self, before);
  if (st.outbox.overflowing())
    return slow_consumer(self, "queue");
  // The server's budget is spent: whoever holds more than a window waiting
  // is behind, whatever its own bound says.
  if (st.args.total_bytes && *st.args.total_bytes > st.args.max_total_bytes
      && st.outbox.live_bytes() > st.args.window_bytes)
    return slow_consumer(self, "server budget");
  pump(self);
}

void end_stream(feed_ptr self, const std::string& status) {
  auto& st = self->state;
  if (st.ended)
    return;
  st.ended = true;
  send_frame(self, end_frame(st.args.job_id, status), 0, st.replaying);
  st.closing = true;
  pump(self);
}

void deliver(feed_ptr self, std::vector<job_event> evs) {
  auto& st = self->state;
  if (st.ended)
    return;
  for (auto& ev : st.cursor.take(std::move(evs))) {
    send_frame(self, shared_event_frame(ev), ev.seq, st.replaying);
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
void fetch_db(feed_ptr self, bool known, int retries);

// The next page of history, once everything before it is written.
void maybe_next_page(feed_ptr self) {
  auto& st = self->state;
  if (!st.page_wanted || st.ended || !st.outbox.empty() || st.outbox.awaiting())
    return;
  st.page_wanted = false;
  fetch_db(self, st.page_known, 0);
}

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
  self->request(st.args.db_reader, db_timeout, events_atom::value, id, st.cursor.last(),
                replay_page)
    .then(
      [=](std::vector<job_event>& evs) {
        bool full = static_cast<int64_t>(evs.size()) >= replay_page;
        deliver(self, std::move(evs));
        if (self->state.ended)
          return;
        if (full) {
          self->state.page_wanted = true;
          self->state.page_known = known;
          return maybe_next_page(self);
        }
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
              if (!is_terminal(rec.status) || self->state.ended)
                return;
              // The row may be read before the hub hands over the job's last
              // live events: read what was committed before it and end only
              // after that (the status event ends the stream itself).
              self->request(self->state.args.db_reader, db_timeout, events_atom::value, id,
                            self->state.cursor.last(), replay_page)
                .then(
                  [=](std::vector<job_event>& evs) {
                    deliver(self, std::move(evs));
                    if (!self->state.cursor.has_gap())
                      end_stream(self, rec.status);
                  },
                  fail);
            },
            fail);
      },
      fail);
}

// What both feeds answer: the session's acknowledgements and the stall timer.
caf::message_handler flow_handlers(feed_ptr self) {
  return {
    [=](more_atom) {
      self->state.outbox.acked();
      pump(self);
      maybe_next_page(self);
    },
    [=](stall_atom, uint64_t gen) {
      auto& st = self->state;
      if (st.outbox.awaiting() && gen == st.ack_gen && !st.closing)
        slow_consumer(self, "stalled");
    },
  };
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
  caf::message_handler own{
    // const: the message is shared by every subscriber of the job (the hub
    // sends one); taking it by reference would copy it for each.
    [=](publish_atom, const job_event& ev) {
      if (self->state.replaying)
        self->state.buffered.push_back(ev);
      else
        deliver(self, {ev});
    },
    [=](retry_atom, bool known, int retries) { fetch_db(self, known, retries); },
  };
  return own.or_else(flow_handlers(self));
}

// A key sees only its own jobs on GET /ws/jobs (an admin key, or no keys, all).
bool visible(feed_ptr self, const job_record& rec) {
  auto& a = self->state.args;
  return a.all_owners || rec.owner == a.owner;
}

caf::behavior jobs_feed(feed_ptr self) {
  self->request(self->state.args.hub, db_timeout, subscribe_atom::value, caf::actor{self})
    .then(
      [=](std::vector<job_record>& live) {
        for (auto& rec : live)
          if (visible(self, rec))
            send_frame(self, job_frame(rec), 0, true);
      },
      [=](caf::error& err) {
        self->state.sink.close(1011, "progress hub unavailable");
        self->quit(err);
      });
  caf::message_handler own{
    [=](publish_atom, const job_record& rec) {
      if (visible(self, rec))
        send_frame(self, job_frame(rec), 0, false);
    },
  };
  return own.or_else(flow_handlers(self));
}

caf::behavior ws_feed(feed_ptr self, ws_feed_args args, ws_sink sink) {
  self->state.args = std::move(args);
  self->state.sink = std::move(sink);
  auto& a = self->state.args;
  self->state.outbox = ws_outbox{a.window_bytes, a.max_queued_bytes};
  self->attach_functor([self] {
    // Whatever still waits leaves the server-wide count with the feed.
    auto& st = self->state;
    if (st.args.total_bytes)
      *st.args.total_bytes -= static_cast<int64_t>(st.outbox.live_bytes());
  });
  return self->state.args.job_id.empty() ? jobs_feed(self) : job_feed(self);
}

} // namespace

caf::actor spawn_ws_feed(caf::actor_system& sys, ws_feed_args args, ws_sink sink) {
  return sys.spawn(ws_feed, std::move(args), std::move(sink));
}

} // namespace kagent::http
