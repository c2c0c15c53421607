// Translates PostgreSQL failures (SQLSTATE codes, lost connections) into
// kagent's error enum: library errors become kagent's errors at the boundary.
#pragma once

#include <string>

#include "core/error.hpp"

namespace kagent::pg {

/// Our error code for a SQLSTATE (5 characters); empty state = connection lost.
errc errc_from_sqlstate(const std::string& sqlstate);

} // namespace kagent::pg
