// The OpenAPI 3.1 document served at GET /openapi.json: docs/openapi.yaml as
// JSON, embedded into the binary at build time by http/embed_openapi.py.
#pragma once

#include <string>

namespace kagent::http {

/// The OpenAPI document, as compact JSON.
const std::string& openapi_json();

} // namespace kagent::http
