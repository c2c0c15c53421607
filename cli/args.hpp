// Command-line parsing for `kagent`: argv in, an `options` value or a usage
// error out. Pure, so every command's grammar is unit-tested.
#pragma once

#include <string>
#include <vector>

namespace kagent::cli {

/// The subcommands.
enum class command { none, submit, status, logs, result, cancel, jobs };

/// Everything one invocation asks for.
struct options {
  command cmd = command::none;
  std::string server;        ///< base URL without a trailing slash
  std::string api_key;       ///< --api-key (else KAGENT_API_KEY); never printed
  std::string target;        ///< the URL (submit) or the job id (others)
  bool follow = false;       ///< submit, logs
  bool json = false;         ///< status: print the raw JSON
  bool code = false;         ///< result: solution.py instead of submission.csv
  bool help = false;         ///< print help for `cmd` (or the overview) and exit 0
  std::string output;        ///< result: file, "-" for stdout; empty = default name
  std::string status_filter; ///< jobs --status
  int limit = 0;             ///< jobs --limit; 0 = the server's default
  int time_budget_s = 0;     ///< submit --time-budget; 0 = the server's default
};

/// Either options or a usage error (message for stderr, exit 2).
struct parse_outcome {
  options opts;
  std::string error; ///< empty on success
  /// True when parsing succeeded.
  bool ok() const { return error.empty(); }
};

/// Server URL used when neither --server nor KAGENT_URL is given.
constexpr const char* default_server = "http://127.0.0.1:8000";

/// Parses the arguments after argv[0]; `env_url` is KAGENT_URL or empty.
parse_outcome parse_args(const std::vector<std::string>& args, const std::string& env_url);

/// The help text for one command, or the overview for command::none.
std::string help_text(command cmd);

/// The command's name as typed ("submit"), "kagent" for none.
std::string command_name(command cmd);

} // namespace kagent::cli
