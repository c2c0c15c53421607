// The one table that maps kagent error codes to HTTP statuses.
#pragma once

#include <caf/fwd.hpp>

#include "core/error.hpp"

namespace kagent::http {

/// HTTP status code for an error code (e.g. queue_full -> 429).
unsigned status_for(errc x);

/// HTTP status code for any error a backend may answer: kagent errors through
/// the table, CAF's request timeout as 504, other CAF errors (a backend
/// actor down or answering unexpectedly) as 503.
unsigned status_for(const caf::error& e);

} // namespace kagent::http
