// The one table of kagentd's options: each row names a flag (--name=value),
// the same key in the config file, its environment variables if any, help
// text, what values are allowed, and the kagentd_options member it sets.
// --help, the config file and environment readers, --print-config,
// docs/OPTIONS.md and config/kagentd.example.ini all come from it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/options.hpp"

namespace kagent {

/// What kagentd reads: every area's options, plus what only start-up uses.
struct kagentd_options : server_options {
  std::string log_format = "text"; ///< text, or json: one object per line
  std::string config_file;         ///< INI file read before the environment and flags
};

/// What values an option takes.
enum class option_kind { text, path, url, integer, bytes, choice, host_port, list };

/// One option. The default is the member's value in a default kagentd_options;
/// `default_note` explains defaults derived at start-up (empty members).
struct option_spec {
  std::string group;   ///< section in --help and the docs
  std::string name;    ///< flag without dashes, and config-file key
  std::string metavar; ///< N, BYTES, DIR, ... in --help
  option_kind kind = option_kind::text;
  std::string help;
  int64_t min = 0, max = 0;         ///< integer and bytes: the allowed range
  std::vector<std::string> choices; ///< choice: the allowed values
  char separator = ',';             ///< list: between items
  bool allow_empty = true;          ///< url, host_port, choice: "" means unset
  bool file_key = true;             ///< false: a flag only (config-file)
  bool secret = false;              ///< masked in --print-config
  std::vector<std::string> env;     ///< variables, the later one wins
  std::string default_note;         ///< shown instead of an empty default
  /// Rewrites a value read from the environment (KAGGLE_API_ENDPOINT's host form).
  std::function<std::string(const std::string&)> from_env;
  /// Stores a value already checked by check_option_value.
  std::function<void(kagentd_options&, const std::string&)> store;
  /// The member's value as text (lists joined by `separator`).
  std::function<std::string(const kagentd_options&)> load;

  option_spec& with_env(std::string var) {
    env.push_back(std::move(var));
    return *this;
  }
  option_spec& with_note(std::string note) {
    default_note = std::move(note);
    return *this;
  }
};

/// Every option, in --help order.
const std::vector<option_spec>& option_table();

/// The row called `name`, or nullptr.
const option_spec* find_option(const std::string& name);

/// Empty when `value` is allowed for `spec`, else what is allowed (for the
/// error message: "an integer from 0 to 65535").
std::string check_option_value(const option_spec& spec, const std::string& value);

/// What `spec` allows, in words (docs and errors).
std::string allowed_values(const option_spec& spec);

/// The default of `spec` as shown in docs: its note, or the member's value.
std::string default_text(const option_spec& spec);

/// Reads an integer with an optional binary suffix (K, M, G, T, KiB, ...);
/// false when `text` is not one or it overflows.
bool parse_byte_size(const std::string& text, int64_t& out);

/// Reads a whole decimal integer (sign allowed); false on anything else.
bool parse_integer(const std::string& text, int64_t& out);

/// `value` with passwords hidden: user:****@ in URLs, password=**** in libpq
/// keyword strings and URL queries.
std::string mask_credentials(const std::string& value);

} // namespace kagent
