// What a refused Kaggle API call means for the user. The first part is the
// kaggle CLI's own line ("403 - Forbidden - You must accept this
// competition's rules before you'll be able to download files."), so it
// reads as the CLI reads; the second says what to do about it. Pure.
#pragma once

#include <string>

#include <caf/error.hpp>

namespace kagent::sources {

/// "<status> - <reason>[ - <message>]" where message is the JSON body's
/// "message" field, as `kaggle` prints an ApiException.
std::string kaggle_error_line(long status, const std::string& reason, const std::string& body);

/// The error of a refused call about `slug` made as Kaggle user `user`:
/// not_found for 404, upstream_failed otherwise, with the CLI's line and
/// the action that fixes it (credentials for 401, the rules page for 403).
caf::error kaggle_refusal(long status, const std::string& reason, const std::string& body,
                          const std::string& slug, const std::string& user);

/// The "message" of a JSON error object {"code": <not 200>, "message": ...}
/// that Kaggle may send with status 200 (the CLI's process_response); empty
/// for anything else.
std::string kaggle_body_error(const std::string& body);

} // namespace kagent::sources
