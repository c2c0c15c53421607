#include "http/error_map.hpp"

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
    case errc::conflict: return 409;
    case errc::shutting_down: return 503;
    case errc::unauthorized: return 401;
    case errc::internal: return 500;
  }
  return 500;
}

} // namespace kagent::http
