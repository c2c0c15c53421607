// What every session of one server shares: the limits, the bridge, and the
// counters the server drains on stop. Immutable after start except the atomics
// and the WebSocket registry (under its mutex).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>

#include <caf/actor.hpp>

#include "http/router.hpp"
#include "http/ws_admission.hpp"
#include "metrics/registry.hpp"

namespace kagent::http {

class ws_session;

/// The WebSocket subprotocol the server speaks; a browser offers it beside
/// `kagent-key.<api key>` (it cannot set an Authorization header).
constexpr const char* ws_subprotocol = "kagent";

/// Shared by the listener and every session of a server.
struct session_context {
  router_limits limits;
  size_t max_in_flight = 1024;         ///< calls waiting on actors or unwritten; beyond: 503
  std::chrono::seconds timeout{30};    ///< per read and per write
  caf::actor bridge;
  std::atomic<size_t> in_flight{0};    ///< calls sent to the bridge, response not yet written
  std::atomic<size_t> sessions{0};     ///< open connections
  std::atomic<bool> stopping{false};   ///< answer with Connection: close
  caf::actor_system* sys = nullptr;    ///< spawns the feed of each WebSocket
  caf::actor hub;                      ///< progress hub, for WebSocket feeds
  caf::actor db_reader;                ///< replays what the hub no longer holds
  std::atomic<size_t> ws_sessions{0};  ///< open WebSocket connections
  std::shared_ptr<ws_admission> ws_admit;  ///< caps on WebSocket sessions
  size_t ws_window_bytes = 64 * 1024;      ///< frames a feed hands over unacknowledged
  size_t ws_max_queued_bytes = 1024 * 1024; ///< per session, replay included; beyond: 4000
  std::shared_ptr<std::atomic<int64_t>> ws_total_bytes =
    std::make_shared<std::atomic<int64_t>>(0);  ///< live bytes waiting in all feeds
  int64_t ws_max_total_bytes = 64 << 20;  ///< beyond: feeds holding more than a window close
  std::chrono::milliseconds ws_stall_timeout{30'000};  ///< no write progress: 4000
  int retry_after_s = 5;                   ///< Retry-After of a refused upgrade
  metrics::registry_ptr metrics;           ///< request latency, slow consumers; may be null
  std::mutex ws_mutex;                 ///< guards ws
  std::map<const void*, std::weak_ptr<ws_session>> ws;  ///< open WebSockets, for stop
};

} // namespace kagent::http
