// The route table: every method and path the server answers, in one place.
// The router dispatches from it, and a unit test compares it with the paths
// of docs/openapi.yaml, so the document and the server cannot drift apart.
#pragma once

#include <optional>
#include <ostream>  // before Beast's verb.hpp, which uses it without including it
#include <string>
#include <vector>

#include <boost/beast/http/verb.hpp>

#include "http/api_call.hpp"

namespace kagent::http {

/// Who answers a route.
enum class route_answer : uint8_t {
  dashboard,  ///< the router: the compiled-in dashboard page
  openapi,    ///< the router: the compiled-in OpenAPI document
  actors,     ///< the bridge, with the route's api_kind
};

/// One method on one path template.
struct route_entry {
  boost::beast::http::verb method;
  const char* path;     ///< an OpenAPI path template: "/status/{id}"
  route_answer answer;
  api_kind kind;        ///< what the bridge is asked, when answer is actors
};

/// Every route; OPTIONS is not among them (see preflight_any_path).
const std::vector<route_entry>& routes();

/// OPTIONS on any path is the CORS preflight (answered before routing).
constexpr bool preflight_any_path = true;

/// The segments of `path` (a template) that are parameters ("{id}") are
/// matched by any one segment; the rest literally. "/" matches the empty
/// path. Returns the segment the template's parameter matched ("" when it has
/// none), or nullopt when the path does not match.
std::optional<std::string> match_path(const char* path, const std::vector<std::string>& segments);

} // namespace kagent::http
