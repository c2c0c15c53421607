// kagentd's actor_system_config: the options of the option table
// (config/option_table.hpp), read from the config file, the environment and
// the flags, plus the checks that span several options.
#pragma once

#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>

#include "config/option_loader.hpp"
#include "config/options.hpp"

namespace kagent {

/// CAF config with kagent's options. Precedence: flags > environment
/// (KAGENT_*, DATABASE_URL, ...) > config file > built-in defaults.
class kagent_config : public caf::actor_system_config {
public:
  kagent_config();

  /// Reads every option (load_options) from `args` (argv without argv[0])
  /// and applies the file's CAF sections. Returns an error message naming
  /// the key and what is allowed; empty on success.
  std::string read_options(const std::vector<std::string>& args, const env_lookup& env);

  /// Checks what spans several options and fills derived defaults
  /// (stage_bin, competitions, cache_dir). Returns an error message, empty
  /// when everything is usable.
  std::string finish(const std::string& argv0);

  kagentd_options opts;
  loaded_options loaded;  ///< origins and the requested action; opts is copied out of it
  std::string llm_note;   ///< after finish: why a configured LLM is off, for the log
};

/// Splits "a:b:c" into its non-empty parts (or at `sep`).
std::vector<std::string> split_path_list(const std::string& s, char sep = ':');

/// True for a listen address only this machine reaches (127.0.0.0/8, ::1,
/// localhost).
bool is_loopback_host(const std::string& host);

} // namespace kagent
