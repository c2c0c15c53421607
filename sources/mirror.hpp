// Finding a competition in the local mirror folders (docs/ARCHITECTURE.md, competition sources): a mirror
// entry is <mirror>/<slug>/ holding the files as Kaggle serves them (loose or
// zipped) plus description.md, or MLE-bench's public/ beside private/. The
// download cache is laid out the same way, so it is searched like a mirror.
// Plain stat() calls, no CAF: kagent-stage's solve uses this too.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kagent::sources {

/// The readable parts of one mirrored competition.
struct mirror_entry {
  std::string root;         ///< <mirror>/<slug>
  std::string data_dir;     ///< the public files: <root>/public or <root>
  std::string description;  ///< <root>/description.md, empty when absent
};

/// The entry of `slug` in `mirror`, or nothing. `slug` must be valid
/// (core/competition_url.hpp); the result never points outside the mirror.
std::optional<mirror_entry> find_in_mirror(const std::string& mirror, const std::string& slug);

/// The first of `mirrors` holding `slug`, or nothing.
std::optional<mirror_entry> find_in_mirrors(const std::vector<std::string>& mirrors,
                                            const std::string& slug);

} // namespace kagent::sources
