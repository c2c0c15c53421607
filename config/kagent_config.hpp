// kagentd's actor_system_config: binds every option of server_options to a
// flag (--name=value) and a config-file key, after environment overrides.
#pragma once

#include <string>

#include <caf/actor_system_config.hpp>

#include "config/options.hpp"

namespace kagent {

/// CAF config with kagent's options. Precedence: flags > config file >
/// environment (KAGENT_*, DATABASE_URL) > built-in defaults.
class kagent_config : public caf::actor_system_config {
public:
  kagent_config();

  /// Validates values and fills derived defaults (stage_bin, competitions).
  /// Returns an error message, empty when everything is usable.
  std::string finish(const std::string& argv0);

  server_options opts;
  std::string competitions_arg; ///< DIR[:DIR...] as given
  std::string allowed_hosts_arg; ///< NAME[,NAME...] as given
  std::string llm_note; ///< after finish: why a configured LLM is off, for the log

};

/// Prints every option with its default to stdout (`kagentd --help`).
void print_help();

/// Splits "a:b:c" into its non-empty parts (or at `sep`).
std::vector<std::string> split_path_list(const std::string& s, char sep = ':');

/// True for a listen address only this machine reaches (127.0.0.0/8, ::1,
/// localhost).
bool is_loopback_host(const std::string& host);

} // namespace kagent
