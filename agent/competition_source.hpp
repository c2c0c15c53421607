// Where a competition's files are: resolution of a slug against the local
// mirror folders (DESIGN §7). Loose files and MLE-bench's public/ layout.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kagent::agent {

/// The readable parts of one mirrored competition.
struct competition_source {
  std::string root;         ///< <mirror>/<slug>
  std::string data_dir;     ///< the public files: <root>/public or <root>
  std::string description;  ///< <root>/description.md, empty when absent
};

/// The first mirror holding `slug`, or nothing. `slug` must be valid
/// (core/competition_url.hpp); the result never points outside a mirror.
std::optional<competition_source>
resolve_competition(const std::vector<std::string>& mirrors, const std::string& slug);

} // namespace kagent::agent
