// The six commands: each turns parsed options into HTTP calls and output, and
// returns the process exit code (exit_code.hpp).
#pragma once

#include <iosfwd>
#include <string>

#include "cli/args.hpp"

namespace kagent::cli {

/// Where a command writes and what it knows about the terminal.
struct console {
  std::ostream& out;
  std::ostream& err;
  bool tty = false;    ///< stdout is a terminal: draw bars
  int width = 80;      ///< terminal columns
  std::string api_key; ///< KAGENT_API_KEY; never printed
};

/// Runs the command in `o` (already parsed, not help); returns the exit code.
int run_command(const options& o, console& c);

} // namespace kagent::cli
