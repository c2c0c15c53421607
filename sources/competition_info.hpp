// What the Kaggle API says about a competition (GET /competitions/list
// ?search=<slug>) and the description.md made from it, so the analyze stage
// reads a downloaded competition exactly like a mirrored one. Pure.
#pragma once

#include <optional>
#include <string>

namespace kagent::sources {

/// The fields of one entry of /competitions/list that kagent uses.
struct competition_info {
  std::string slug;
  std::string title;
  std::string description;        ///< Kaggle's one-paragraph summary
  std::string evaluation_metric;  ///< e.g. "Categorization Accuracy"
  std::string url;                ///< the competition page
};

/// The entry of `slug` in a /competitions/list response body (a JSON array;
/// `ref` is the slug or the competition's URL), or nothing when the body
/// lists it not. Strings are bounded, as the API is not ours.
std::optional<competition_info> find_competition_in_list(const std::string& json,
                                                         const std::string& slug);

/// description.md for `info`: the URL, the title, the summary and an
/// Evaluation section naming the metric (what metric detection reads).
std::string render_description_md(const competition_info& info);

} // namespace kagent::sources
