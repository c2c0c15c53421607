// API keys and Idempotency-Key rows (issue 9) as plain functions on a
// connection, beside job_repository. Keys are stored as SHA-256 hashes only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "core/api_key.hpp"
#include "core/job.hpp"
#include "persistence/pg_connection.hpp"

namespace kagent {

/// A key as `keys list` shows it (never the key itself).
struct api_key_info {
  std::string name;
  std::string prefix;   ///< the first characters of the key, to tell keys apart
  bool admin = false;
  int64_t created_at = 0;
  int64_t revoked_at = 0;  ///< 0 = live
};

} // namespace kagent

namespace kagent::pg {

/// Stores a new key; a revoked key of the same name is replaced (rotation),
/// a live one is a conflict.
caf::error create_key(connection& conn, const std::string& name, const std::string& key_hash,
                      const std::string& prefix, bool admin);

/// Every key, live and revoked, by name.
caf::expected<std::vector<api_key_info>> list_keys(connection& conn);

/// Revokes a live key; not_found when there is none of that name.
caf::error revoke_key(connection& conn, const std::string& name);

/// The live keys.
caf::expected<std::vector<api_key_entry>> live_keys(connection& conn);

/// The earlier request of `owner` with `key`.
caf::expected<idempotent_hit> find_idempotent(connection& conn, const std::string& owner,
                                              const std::string& key);

/// Inserts a job row and its Idempotency-Key row (one transaction: the
/// persistence actor's batch); conflict when the key was taken meanwhile.
caf::error insert_job_idempotent(connection& conn, const job_record& job, const std::string& key,
                                 const std::string& request_hash);

} // namespace kagent::pg
