#include "persistence/sqlstate.hpp"

namespace kagent::pg {

errc errc_from_sqlstate(const std::string& s) {
  if (s.empty())
    return errc::db_unavailable;             // no result: the connection is gone
  auto cls = s.substr(0, 2);
  if (cls == "08" || cls == "57" || cls == "53")
    return errc::db_unavailable;             // connection, shutdown, resources
  if (s == "23505")
    return errc::conflict;                   // unique_violation
  if (cls == "22" || cls == "23")
    return errc::invalid_input;              // data exception, constraint
  if (s == "40001" || s == "40P01")
    return errc::db_unavailable;             // serialization failure, deadlock: retryable
  return errc::internal;
}

} // namespace kagent::pg
