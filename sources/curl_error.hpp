// The libcurl boundary: CURLcode becomes the project's error enum here and
// nowhere else (library errors stop at the boundary). Which failures are worth a retry is decided here
// too, beside the translation.
#pragma once

#include <string>

#include <caf/error.hpp>

namespace kagent::sources {

/// True for transport failures that another attempt may not meet: refused or
/// reset connections, a body cut short, a stalled transfer, name lookup.
bool is_transient_curl_code(int code);

/// The kagent error for CURLcode `code` while doing `what` (cancelled for an
/// abort by our callback, deadline_exceeded for timeouts, upstream_failed
/// for the rest), with libcurl's own text when it gave one.
caf::error curl_failure(int code, const std::string& what, const std::string& curl_text);

} // namespace kagent::sources
