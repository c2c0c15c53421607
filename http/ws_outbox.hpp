// The flow control of one WebSocket feed as a plain class: frames wait here
// until the session has room, at most `window` bytes (replay frames count
// like any other) are handed over unacknowledged, and live frames that pile
// up past `max_live` bytes mark a slow consumer. Replay frames are history
// the client asked for: they wait without counting against `max_live` (the
// job's stored events are capped), but never pass the window.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace kagent::http {

/// Frames of one connection between its feed and its session.
class ws_outbox {
public:
  /// A frame handed to the session; `ack` asks for an acknowledgement.
  struct out {
    std::string text;
    int64_t seq = 0;
    bool ack = false;
  };

  ws_outbox(size_t window, size_t max_live) : window_(window), max_live_(max_live) {
  }

  /// Queues a frame behind the others.
  void push(std::string text, int64_t seq, bool replay);

  /// The frames that fit the window now, in order. When one fills the window
  /// it carries ack and nothing more goes out until acked().
  std::vector<out> take();

  /// The session wrote everything handed to it.
  void acked();

  /// True when live frames waiting plus frames in flight exceed max_live.
  bool overflowing() const {
    return live_bytes_ + in_flight_ > max_live_;
  }

  /// True while an acknowledgement is outstanding.
  bool awaiting() const {
    return awaiting_;
  }

  /// True when no frame waits here.
  bool empty() const {
    return frames_.empty();
  }

  /// Drops every waiting frame.
  void clear();

  /// Bytes of live frames waiting.
  size_t live_bytes() const {
    return live_bytes_;
  }

  /// Bytes handed over and not yet acknowledged.
  size_t in_flight() const {
    return in_flight_;
  }

private:
  struct frame {
    std::string text;
    int64_t seq;
    bool replay;
  };
  size_t window_;
  size_t max_live_;
  std::deque<frame> frames_;
  size_t live_bytes_ = 0;  // of live frames waiting
  size_t in_flight_ = 0;
  bool awaiting_ = false;
};

} // namespace kagent::http
