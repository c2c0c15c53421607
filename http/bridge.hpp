// The bridge actor between HTTP sessions and the backend actors (sessions own
// sockets, actors own state). A session sends (http_call_atom, api_call, reply_fn) with anon_send and
// returns; the bridge issues request(...).then(...) to the backends and calls
// reply_fn with the finished response on a CAF thread. reply_fn only posts it
// to the session's strand. Nothing here blocks.
#pragma once

#include <chrono>
#include <functional>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include "http/api_call.hpp"
#include "http/backends.hpp"
#include "http/response.hpp"

namespace kagent::http {

/// Receives the response of one call; must be cheap and must not block.
using reply_fn = std::function<void(response)>;

/// Tag of the one message the bridge understands.
using http_call_atom = caf::atom_constant<caf::atom("http_call")>;

/// Spawns a bridge. Every request to a backend times out after `timeout`.
caf::actor spawn_bridge(caf::actor_system& sys, backends b, server_info info,
                        std::chrono::milliseconds timeout);

} // namespace kagent::http

// Local-only payload: a bridge and its sessions always share a process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagent::http::reply_fn)
