// Reads kagentd's options from the config file, the environment and the
// command line, in rising precedence (flag > env > file > default), checking
// every value against its row of the option table.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/option_table.hpp"

namespace kagent {

/// What the command line asks for instead of (or before) running.
enum class option_action { run, help, help_markdown, help_ini, print_config };

/// The options as read, and where each one came from.
struct loaded_options {
  kagentd_options opts;
  option_action action = option_action::run;
  /// Option name -> "flag", "env KAGENT_PORT", "file F:12"; absent: default.
  std::map<std::string, std::string> origin;
  /// "section.key" -> value as written, from the file's sections other than
  /// the global one (CAF's own settings, e.g. scheduler.policy).
  std::vector<std::pair<std::string, std::string>> caf_settings;
};

/// Looks up an environment variable; nullptr when unset.
using env_lookup = std::function<const char*(const char*)>;

/// The config file read when --config-file is not given, if it exists.
constexpr const char* default_config_file = "caf-application.ini";

/// Reads the config file (--config-file, else ./caf-application.ini if
/// present), then the environment, then `args` (argv without argv[0]).
/// Returns an error naming the key, the bad value and what is allowed;
/// empty on success.
std::string load_options(const std::vector<std::string>& args, const env_lookup& env,
                         loaded_options& out);

/// Applies INI text (what a config file holds) to `out`; `where` names the
/// file in errors and origins.
std::string apply_config_text(const std::string& text, const std::string& where,
                              loaded_options& out);

} // namespace kagent
