// The actor behind one WebSocket connection (the socket stays in the
// session, the state in this actor): it subscribes to the progress hub,
// fills a gap from the database when the hub's ring does not reach back far
// enough, orders and dedupes events by seq (event_cursor), and
// hands finished text frames to its sink, which only posts them to the
// session's strand. One per connection; it ends after a job's end frame or
// when the session tells it to.
//
// Flow control (issue 9): at most `window_bytes` of frames, replay included,
// are handed to the session ahead of what it has written; the frame that
// fills the window asks for an acknowledgement (more_atom) and the rest wait
// in the feed's outbox. A consumer whose live frames pile up past
// `max_queued_bytes`, or that takes no frame for `stall_timeout`, is closed
// with 4000 and told where to resume.
#pragma once

#include <chrono>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

namespace kagent::http {

/// The session's acknowledgement: every frame handed to it is written.
using more_atom = caf::atom_constant<caf::atom("ws_more")>;

/// The close code of a slow consumer.
constexpr uint16_t slow_consumer_code = 4000;

/// Where a feed's frames go; both functions must be cheap and never block.
struct ws_sink {
  /// A frame; seq 0: not an event. `ack`: send more_atom once it is written.
  std::function<void(std::string frame, int64_t seq, bool ack)> send;
  std::function<void(uint16_t code, std::string reason)> close;  ///< after queued frames
};

/// What a feed streams, and its bounds.
struct ws_feed_args {
  std::string job_id;  ///< empty: every job's state changes (GET /ws/jobs)
  int64_t since = 0;   ///< job stream: events with seq > since
  caf::actor hub;
  caf::actor db_reader;
  std::string owner;   ///< GET /ws/jobs: only this owner's jobs ...
  bool all_owners = true;  ///< ... unless this is set (admin, or no keys)
  size_t window_bytes = 64 * 1024;       ///< handed to the session unacknowledged, at most
  size_t max_queued_bytes = 1024 * 1024; ///< live frames waiting, at most; beyond: 4000
  /// Live bytes waiting in all feeds of the server; past `max_total_bytes`
  /// a feed holding more than its window is closed as a slow consumer.
  std::shared_ptr<std::atomic<int64_t>> total_bytes;
  int64_t max_total_bytes = 64 << 20;
  std::chrono::milliseconds stall_timeout{30'000};  ///< no acknowledgement for this long: 4000
};

/// Spawns the feed of one connection.
caf::actor spawn_ws_feed(caf::actor_system& sys, ws_feed_args args, ws_sink sink);

} // namespace kagent::http
