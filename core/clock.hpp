// Wall-clock time as milliseconds since the epoch, and its ISO 8601 form.
#pragma once

#include <cstdint>
#include <string>

namespace kagent {

/// Milliseconds since the Unix epoch, UTC.
int64_t now_ms();

/// Microseconds of a monotonic clock (steady_clock): for durations only.
int64_t steady_us();

/// ISO 8601 UTC with microseconds and offset, e.g. "2026-11-28T16:20:00.123000+00:00".
std::string iso8601(int64_t ms);

} // namespace kagent
