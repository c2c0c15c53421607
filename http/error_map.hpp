// The one table that maps kagent error codes to HTTP statuses.
#pragma once

#include "core/error.hpp"

namespace kagent::http {

/// HTTP status code for an error code (e.g. queue_full -> 429).
unsigned status_for(errc x);

} // namespace kagent::http
