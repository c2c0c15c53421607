// Random (version 4) UUIDs for job ids, 122 bits from getrandom(2) each
// (issue 9: ids are what stands between a user and another's data), and the
// strict check the API uses before a job id may touch the database.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace kagent {

/// A new random UUID in lowercase canonical form.
std::string new_uuid();

/// True when `s` is a canonical UUID (8-4-4-4-12 hex digits, any case).
bool is_uuid(const std::string& s);

/// A UUID's 16 bytes: how the run queue holds ids (a string costs 48).
using uuid_bytes = std::array<uint8_t, 16>;

/// The bytes of a canonical UUID (any case); nullopt when `s` is none.
std::optional<uuid_bytes> uuid_to_bytes(const std::string& s);

/// The lowercase canonical form of `b`.
std::string uuid_from_bytes(const uuid_bytes& b);

} // namespace kagent
