#include "core/error.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace kagent {

const char* to_string(errc x) {
  switch (x) {
    case errc::none: return "none";
    case errc::queue_full: return "queue_full";
    case errc::not_found: return "not_found";
    case errc::invalid_input: return "invalid_input";
    case errc::db_unavailable: return "db_unavailable";
    case errc::stage_failed: return "stage_failed";
    case errc::cancelled: return "cancelled";
    case errc::deadline_exceeded: return "deadline_exceeded";
    case errc::upstream_failed: return "upstream_failed";
    case errc::conflict: return "conflict";
    case errc::shutting_down: return "shutting_down";
    case errc::unauthorized: return "unauthorized";
    case errc::rate_limited: return "rate_limited";
    case errc::misdirected: return "misdirected";
    case errc::internal: return "internal";
  }
  return "unknown";
}

caf::error make_error(errc x, std::string detail) {
  return caf::error{static_cast<uint8_t>(x), errc_category,
                    caf::make_message(std::move(detail))};
}

caf::error make_error(errc x, std::string detail, int32_t retry_after_s) {
  return caf::error{static_cast<uint8_t>(x), errc_category,
                    caf::make_message(std::move(detail), retry_after_s)};
}

int32_t retry_after_of(const caf::error& e) {
  if (e.category() == errc_category && e.context().match_elements<std::string, int32_t>())
    return e.context().get_as<int32_t>(1);
  return 0;
}

caf::error make_error(errc x) {
  return make_error(x, to_string(x));
}

errc code_of(const caf::error& e) {
  if (!e)
    return errc::none;
  if (e.category() != errc_category)
    return errc::internal;
  return static_cast<errc>(e.code());
}

std::string detail_of(const caf::error& e) {
  if (e.category() == errc_category && e.context().size() >= 1
      && e.context().match_element<std::string>(0))
    return e.context().get_as<std::string>(0);
  if (e.category() == caf::atom("system")) {
    auto s = static_cast<caf::sec>(e.code());
    if (s == caf::sec::request_timeout)
      return "internal request timed out";
    return "internal error: " + caf::to_string(s);
  }
  return "internal error";
}

void add_error_category(caf::actor_system_config& cfg) {
  cfg.add_error_category(errc_category,
                         [](uint8_t code, caf::atom_value, const caf::message& ctx) {
                           std::string out = to_string(static_cast<errc>(code));
                           if (ctx.size() >= 1 && ctx.match_element<std::string>(0))
                             out += ": " + ctx.get_as<std::string>(0);
                           return out;
                         });
}

} // namespace kagent
