// Random (version 4) UUIDs for job ids, 122 bits from getrandom(2) each
// (issue 9: ids are what stands between a user and another's data), and the
// strict check the API uses before a job id may touch the database.
#pragma once

#include <string>

namespace kagent {

/// A new random UUID in lowercase canonical form.
std::string new_uuid();

/// True when `s` is a canonical UUID (8-4-4-4-12 hex digits, any case).
bool is_uuid(const std::string& s);

} // namespace kagent
