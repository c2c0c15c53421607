// The dashboard page served at GET / (web/dashboard.html, embedded into the
// binary at build time by http/embed_dashboard.cmake).
#pragma once

#include <string>

namespace kagent::http {

/// The dashboard's HTML.
const std::string& dashboard_html();

} // namespace kagent::http
