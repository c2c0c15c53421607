#include "http/error_map.hpp"

#include <caf/error.hpp>
#include <caf/sec.hpp>

namespace kagent::http {

unsigned status_for(errc x) {
  switch (x) {
    case errc::none: return 200;
    case errc::queue_full: return 429;
    case errc::not_found: return 404;
    case errc::invalid_input: return 400;
    case errc::db_unavailable: return 503;
    case errc::stage_failed: return 500;
    case errc::cancelled: return 409;
    case errc::deadline_exceeded: return 504;
    case errc::upstream_failed: return 502;
    case errc::conflict: return 409;
    case errc::shutting_down: return 503;
    case errc::unauthorized: return 401;
    case errc::rate_limited: return 429;
    case errc::misdirected: return 421;
    case errc::internal: return 500;
  }
  return 500;
}

unsigned status_for(const caf::error& e) {
  if (!e)
    return 200;
  if (e.category() == errc_category)
    return status_for(static_cast<errc>(e.code()));
  if (e.category() == caf::atom("system")
      && static_cast<caf::sec>(e.code()) == caf::sec::request_timeout)
    return 504;
  return 503;
}

} // namespace kagent::http
