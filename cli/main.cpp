// kagent: the command-line client of kagentd. Only wiring: parse, pick the
// console, run the command.
#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_code.hpp"

namespace {

std::string env(const char* name) {
  auto* v = std::getenv(name);
  return v ? v : "";
}

int terminal_width() {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
    return ws.ws_col;
  return 80;
}

} // namespace

int main(int argc, char** argv) {
  using namespace kagent::cli;
  std::signal(SIGPIPE, SIG_IGN); // `kagent logs ID | head` must not die mid-write
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = parse_args(args, env("KAGENT_URL"));
  if (!parsed.ok()) {
    std::cerr << parsed.error << "\n";
    return exit_usage;
  }
  if (parsed.opts.help) {
    std::cout << help_text(parsed.opts.cmd);
    return exit_ok;
  }
  console c{std::cout, std::cerr, false, 80, ""};
  c.tty = isatty(STDOUT_FILENO) == 1 && env("TERM") != "dumb";
  c.width = c.tty ? terminal_width() : 80;
  c.api_key = parsed.opts.api_key.empty() ? env("KAGENT_API_KEY") : parsed.opts.api_key;
  return run_command(parsed.opts, c);
}
