// The Kaggle API key, found where the kaggle CLI 1.6 looks: KAGGLE_USERNAME
// and KAGGLE_KEY in the environment when both are set, else kaggle.json in
// $KAGGLE_CONFIG_DIR or ~/.kaggle ({"username": ..., "key": ...}). The key
// is only ever handed to libcurl as the Basic-auth password; nothing here
// prints it, and errors name the file, never its content.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <caf/expected.hpp>

namespace kagent::sources {

/// A Kaggle account's API credentials.
struct kaggle_credentials {
  std::string username;
  std::string key;     ///< secret: never log, store or pass to a stage
  std::string origin;  ///< "environment" or the kaggle.json path, for logs
  bool file_readable_by_others = false; ///< kaggle.json is group/world readable
};

/// Reads an environment variable; nullptr when unset.
using env_lookup = std::function<const char*(const char*)>;

/// The credentials, or nothing when neither the environment nor kaggle.json
/// has both values. A kaggle.json that exists but cannot be read or parsed
/// is an error (invalid_input) rather than silently ignored.
caf::expected<std::optional<kaggle_credentials>> load_kaggle_credentials(const env_lookup& env);

/// Same, from the process environment.
caf::expected<std::optional<kaggle_credentials>> load_kaggle_credentials();

} // namespace kagent::sources
