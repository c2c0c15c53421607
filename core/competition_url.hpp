// Parsing of Kaggle competition URLs into slugs (docs/ARCHITECTURE.md, competition sources). Pure; used by
// admission before a job exists and by kagent-stage.
#pragma once

#include <string>

#include <caf/expected.hpp>

namespace kagent {

/// The slug of `https://www.kaggle.com/competitions/<slug>[/...][?...]`, or
/// invalid_input with a reason. Slugs are `[a-z0-9][a-z0-9-]*`, at most 100
/// characters; anything with path characters or encodings is rejected.
caf::expected<std::string> parse_competition_url(const std::string& url);

/// True when `slug` may name a folder of a mirror.
bool is_valid_slug(const std::string& slug);

} // namespace kagent
