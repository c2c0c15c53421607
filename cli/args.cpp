#include "cli/args.hpp"

#include <algorithm>
#include <cstdlib>

namespace kagent::cli {

namespace {

struct command_spec {
  command cmd;
  const char* name;
  int positionals;                  // exactly this many
  std::vector<std::string> options; // long names allowed besides server/help
};

const std::vector<command_spec>& specs() {
  static const std::vector<command_spec> xs = {
      {command::submit, "submit", 1, {"follow", "time-budget"}},
      {command::status, "status", 1, {"json"}},
      {command::logs, "logs", 1, {"follow"}},
      {command::result, "result", 1, {"output", "code"}},
      {command::cancel, "cancel", 1, {}},
      {command::jobs, "jobs", 0, {"status", "limit"}},
  };
  return xs;
}

const command_spec* find_spec(command cmd) {
  for (auto& s : specs())
    if (s.cmd == cmd)
      return &s;
  return nullptr;
}

// Options that take a value (`--name=V` or `--name V`), whatever the command.
bool takes_value(const std::string& name) {
  return name == "server" || name == "output" || name == "status" || name == "limit"
         || name == "time-budget" || name == "api-key";
}

std::string long_name_of(char c) {
  switch (c) {
  case 'h':
    return "help";
  case 'f':
    return "follow";
  case 'o':
    return "output";
  default:
    return {};
  }
}

struct raw_option {
  std::string name, value, spelled;
  bool has_value = false;
};

const char* valid_statuses[] = {"queued", "running", "success", "failed", "timeout", "cancelled"};

std::string usage_error(command cmd, const std::string& what) {
  auto name = command_name(cmd);
  auto prefix = cmd == command::none ? std::string{"kagent: "} : "kagent " + name + ": ";
  auto hint = cmd == command::none ? "kagent --help" : "kagent " + name + " --help";
  return prefix + what + "\nTry '" + hint + "'.";
}

// Strips trailing slashes and checks the scheme.
std::string check_server(std::string url, std::string& error) {
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    error = "server URL must start with http:// or https://";
  else if (url.find_first_of(" \t\r\n") != std::string::npos)
    error = "server URL must not contain spaces";
  return url;
}

bool parse_positive(const std::string& s, int& out) {
  if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), ::isdigit))
    return false;
  out = std::atoi(s.c_str());
  return out > 0;
}

} // namespace

std::string command_name(command cmd) {
  auto* s = find_spec(cmd);
  return s ? s->name : "kagent";
}

parse_outcome parse_args(const std::vector<std::string>& args, const std::string& env_url) {
  parse_outcome out;
  auto& o = out.opts;
  std::vector<raw_option> raw;
  std::vector<std::string> positionals;
  bool only_positionals = false;
  bool help_command = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    raw_option r;
    if (only_positionals || a == "-" || a.empty() || a[0] != '-') {
      if (o.cmd == command::none && !help_command) {
        if (a == "help") {
          help_command = true;
          continue;
        }
        auto it = std::find_if(specs().begin(), specs().end(),
                               [&](const command_spec& s) { return a == s.name; });
        if (it == specs().end()) {
          out.error = usage_error(command::none, "unknown command '" + a + "'");
          return out;
        }
        o.cmd = it->cmd;
      } else if (help_command && o.cmd == command::none) {
        auto it = std::find_if(specs().begin(), specs().end(),
                               [&](const command_spec& s) { return a == s.name; });
        if (it == specs().end()) {
          out.error = usage_error(command::none, "unknown command '" + a + "'");
          return out;
        }
        o.cmd = it->cmd;
      } else {
        positionals.push_back(a);
      }
      continue;
    }
    if (a == "--") {
      only_positionals = true;
      continue;
    }
    r.spelled = a;
    if (a.rfind("--", 0) == 0) {
      auto eq = a.find('=');
      r.name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (eq != std::string::npos) {
        r.value = a.substr(eq + 1);
        r.has_value = true;
        r.spelled = a.substr(0, eq);
      }
    } else if (a.size() == 2) {
      r.name = long_name_of(a[1]);
    }
    if (r.name.empty()) {
      out.error = usage_error(o.cmd, "unknown option '" + a + "'");
      return out;
    }
    if (takes_value(r.name) && !r.has_value) {
      if (i + 1 >= args.size()) {
        out.error = usage_error(o.cmd, "option '" + r.spelled + "' needs a value");
        return out;
      }
      r.value = args[++i];
      r.has_value = true;
    } else if (!takes_value(r.name) && r.has_value) {
      out.error = usage_error(o.cmd, "option '" + r.spelled + "' takes no value");
      return out;
    }
    raw.push_back(std::move(r));
  }
  if (help_command)
    o.help = true;
  auto* spec = find_spec(o.cmd);
  std::string server = env_url.empty() ? default_server : env_url;
  for (auto& r : raw) {
    if (r.name == "help") {
      o.help = true;
    } else if (r.name == "server") {
      server = r.value;
    } else if (r.name == "api-key") {
      o.api_key = r.value;
    } else if (!spec
               || std::find(spec->options.begin(), spec->options.end(), r.name)
                      == spec->options.end()) {
      out.error = usage_error(o.cmd, "unknown option '" + r.spelled + "'");
      return out;
    } else if (r.name == "follow") {
      o.follow = true;
    } else if (r.name == "json") {
      o.json = true;
    } else if (r.name == "code") {
      o.code = true;
    } else if (r.name == "output") {
      if (r.value.empty()) {
        out.error = usage_error(o.cmd, "empty output file name");
        return out;
      }
      o.output = r.value;
    } else if (r.name == "status") {
      if (std::find(std::begin(valid_statuses), std::end(valid_statuses), r.value)
          == std::end(valid_statuses)) {
        out.error = usage_error(o.cmd, "unknown status '" + r.value
                                           + "' (queued, running, success, failed, timeout, "
                                             "cancelled)");
        return out;
      }
      o.status_filter = r.value;
    } else if (r.name == "limit") {
      if (!parse_positive(r.value, o.limit)) {
        out.error = usage_error(o.cmd, "--limit needs a positive number, not '" + r.value + "'");
        return out;
      }
    } else if (r.name == "time-budget") {
      if (!parse_positive(r.value, o.time_budget_s)) {
        out.error = usage_error(o.cmd, "--time-budget needs a positive number of seconds, not '"
                                           + r.value + "'");
        return out;
      }
    }
  }
  if (o.help)
    return out;
  std::string server_error;
  o.server = check_server(server, server_error);
  if (!server_error.empty()) {
    out.error = usage_error(o.cmd, server_error);
    return out;
  }
  if (!spec) {
    out.error = usage_error(command::none, "missing command");
    return out;
  }
  if (static_cast<int>(positionals.size()) < spec->positionals) {
    out.error =
        usage_error(o.cmd, o.cmd == command::submit ? "missing competition URL" : "missing job id");
    return out;
  }
  if (static_cast<int>(positionals.size()) > spec->positionals) {
    out.error = usage_error(o.cmd, "unexpected argument '" + positionals[spec->positionals] + "'");
    return out;
  }
  if (spec->positionals == 1) {
    o.target = positionals[0];
    if (o.target.empty()) {
      out.error = usage_error(o.cmd, "empty argument");
      return out;
    }
  }
  return out;
}

} // namespace kagent::cli
