#define CAF_SUITE http.routes
#include "caf/test/dsl.hpp"

#include <set>
#include <string>
#include <utility>

#include <rapidjson/document.h>

#include "http/openapi.hpp"
#include "http/router.hpp"
#include "http/routes.hpp"
#include "http/stage_files.hpp"

using namespace kagent::http;
namespace bhttp = boost::beast::http;

namespace {

using operation = std::pair<std::string, std::string>;  // method (lowercase), path

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The document's operations, as the server embeds it.
std::set<operation> document_operations(bool with_options) {
  rapidjson::Document doc;
  doc.Parse(openapi_json().c_str());
  CAF_REQUIRE(!doc.HasParseError() && doc.IsObject() && doc.HasMember("paths"));
  std::set<operation> out;
  for (auto& path : doc["paths"].GetObject())
    for (auto& op : path.value.GetObject()) {
      std::string method = op.name.GetString();
      if (method == "parameters" || (method == "options" && !with_options))
        continue;
      out.emplace(method, path.name.GetString());
    }
  return out;
}

// "get /x, post /y": the operations of `xs` that `ys` lacks.
std::string missing(const std::set<operation>& xs, const std::set<operation>& ys) {
  std::string out;
  for (auto& op : xs)
    if (ys.count(op) == 0)
      out += (out.empty() ? "" : ", ") + op.first + " " + op.second;
  return out;
}

std::set<operation> table_operations() {
  std::set<operation> out;
  for (auto& r : routes())
    out.emplace(lower(std::string{bhttp::to_string(r.method)}), r.path);
  return out;
}

} // namespace

CAF_TEST(every route of the table is in the OpenAPI document and every operation is a route) {
  auto doc = document_operations(false);
  auto table = table_operations();
  CAF_CHECK_EQUAL(missing(table, doc), "");  // routes not documented
  CAF_CHECK_EQUAL(missing(doc, table), "");  // documented, not routes
  CAF_CHECK_EQUAL(table.size(), routes().size());  // no route twice
}

CAF_TEST(every documented path documents the CORS preflight the router answers on any path) {
  CAF_CHECK(preflight_any_path);
  std::set<operation> preflights;
  for (auto& op : document_operations(true))
    preflights.emplace("options", op.second);
  CAF_CHECK_EQUAL(missing(preflights, document_operations(true)), "");
}

CAF_TEST(the result routes are exactly submission.csv and the stage files) {
  std::set<std::string> routed;
  for (auto& r : routes()) {
    std::string path = r.path;
    if (path.rfind("/result/{id}/", 0) == 0 && path != "/result/{id}/submission.csv") {
      routed.insert(path.substr(13));
      CAF_CHECK(r.kind == api_kind::stage_file);
    }
  }
  std::set<std::string> files;
  for (auto& f : stage_files())
    files.insert(f.name);
  CAF_CHECK_EQUAL(routed, files);
}

CAF_TEST(a path template matches parameters by any one segment and the rest literally) {
  CAF_CHECK_EQUAL(match_path("/status/{id}", {"status", "abc"}), std::string{"abc"});
  CAF_CHECK_EQUAL(match_path("/jobs/{id}", {"jobs", ""}), std::string{""});
  CAF_CHECK_EQUAL(match_path("/jobs/{id}/submit", {"jobs", "x", "submit"}), std::string{"x"});
  CAF_CHECK_EQUAL(match_path("/health", {"health"}), std::string{""});
  CAF_CHECK(!match_path("/health", {"health", ""}));
  CAF_CHECK(!match_path("/jobs/{id}/submit", {"jobs", "x", "cancel"}));
  CAF_CHECK(!match_path("/status/{id}", {"status"}));
  CAF_CHECK(match_path("/", {}));
  CAF_CHECK(match_path("/", {""}));
  CAF_CHECK(!match_path("/", {"x"}));
}

CAF_TEST(GET openapi json answers the embedded document with no auth) {
  request req{bhttp::verb::get, "/openapi.json", 11};
  auto r = route(req, router_limits{});
  CAF_REQUIRE(r.immediate);
  CAF_CHECK_EQUAL(r.immediate->result_int(), 200u);
  CAF_CHECK_EQUAL(std::string{(*r.immediate)[bhttp::field::content_type]}, "application/json");
  CAF_CHECK_EQUAL(r.immediate->body(), openapi_json());
  rapidjson::Document doc;
  doc.Parse(r.immediate->body().c_str());
  CAF_REQUIRE(!doc.HasParseError());
  CAF_CHECK_EQUAL(std::string{doc["openapi"].GetString()}, "3.1.0");
}

CAF_TEST(another method on openapi json is 405 naming GET) {
  request req{bhttp::verb::delete_, "/openapi.json", 11};
  auto r = route(req, router_limits{});
  CAF_REQUIRE(r.immediate);
  CAF_CHECK_EQUAL(r.immediate->result_int(), 405u);
  CAF_CHECK_EQUAL(std::string{(*r.immediate)[bhttp::field::allow]}, "GET");
}
