// The project's one error enum, carried as caf::error with category "kagent".
// Boundaries translate into it (SQLSTATE in persistence/, CURLcode in sources/);
// http/error_map turns it into a status code and a JSON body.
#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>

namespace kagent {

enum class errc : uint8_t {
  none = 0,
  queue_full,         ///< admission is at max_queued
  not_found,          ///< unknown job, file or competition
  invalid_input,      ///< request or file does not match what is expected
  db_unavailable,     ///< the database cannot be reached or refused a write
  stage_failed,       ///< a stage exited non-zero or produced no outputs
  cancelled,          ///< the job was cancelled by its owner
  deadline_exceeded,  ///< a stage or job ran past its wall-clock limit
  upstream_failed,    ///< a remote service (the Kaggle API) refused or failed; detail says how
  conflict,           ///< the request does not fit the job's current state
  shutting_down,      ///< the node is draining and accepts no new work
  unauthorized,       ///< missing or wrong API key
  rate_limited,       ///< the caller's own limit (rate, queued jobs) is reached
  misdirected,        ///< the Host header names no name this server answers to
  internal,           ///< a bug or an unexpected system failure
};

/// The CAF error category of kagent errors.
constexpr caf::atom_value errc_category = caf::atom("kagent");

/// Name of an error code, e.g. "queue_full".
const char* to_string(errc x);

/// An error with a human-readable detail, shown to users as `{"detail": ...}`.
caf::error make_error(errc x, std::string detail);

/// An error that tells the client when to come back (Retry-After seconds).
caf::error make_error(errc x, std::string detail, int32_t retry_after_s);

/// The Retry-After seconds an error carries, 0 when none.
int32_t retry_after_of(const caf::error& e);

/// An error without detail (the code's name is used as detail).
caf::error make_error(errc x);

/// The kagent code of `e`, or errc::internal for errors of other categories.
errc code_of(const caf::error& e);

/// The detail string of `e` (falls back to CAF's rendering for foreign errors).
std::string detail_of(const caf::error& e);

/// Registers the renderer of the kagent category on a CAF config.
void add_error_category(caf::actor_system_config& cfg);

} // namespace kagent
