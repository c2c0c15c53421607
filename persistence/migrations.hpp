// Versioned schema migrations (docs/ARCHITECTURE.md, storage), applied at start-up in one
// transaction under an advisory lock, so concurrent starts are safe and a
// second run changes nothing.
#pragma once

#include <caf/error.hpp>

#include "persistence/pg_connection.hpp"

namespace kagent::pg {

/// Brings the schema to the newest version this build knows; idempotent.
caf::error migrate(connection& conn);

/// The newest schema version this build knows.
int latest_schema_version();

/// The version recorded in schema_migrations (0 when none).
caf::expected<int> current_schema_version(connection& conn);

} // namespace kagent::pg
