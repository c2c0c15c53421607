// The actor behind one WebSocket connection (STYLE rule 10): it subscribes to
// the progress hub, fills a gap from the database when the hub's ring does not
// reach back far enough, orders and dedupes events by seq (event_cursor), and
// hands finished text frames to its sink, which only posts them to the
// session's strand. One per connection; it ends after a job's end frame or
// when the session tells it to.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace kagent::http {

/// Where a feed's frames go; both functions must be cheap and never block.
struct ws_sink {
  /// A frame; seq 0: not an event. Replay frames (history the client asked
  /// for, bounded by the job's length) do not count against the send queue.
  std::function<void(std::string frame, int64_t seq, bool replay)> send;
  std::function<void(uint16_t code, std::string reason)> close;  ///< after queued frames
};

/// What a feed streams.
struct ws_feed_args {
  std::string job_id;  ///< empty: every job's state changes (GET /ws/jobs)
  int64_t since = 0;   ///< job stream: events with seq > since
  caf::actor hub;
  caf::actor db_reader;
};

/// Spawns the feed of one connection.
caf::actor spawn_ws_feed(caf::actor_system& sys, ws_feed_args args, ws_sink sink);

} // namespace kagent::http
