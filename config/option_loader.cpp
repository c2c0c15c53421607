#include "config/option_loader.hpp"

#include <fstream>
#include <sstream>
#include <unistd.h>

#include "config/option_table.hpp"
#include "core/text.hpp"

namespace kagent {

namespace {

std::string set_value(const option_spec& spec, const std::string& value, const std::string& key,
                      const std::string& origin, loaded_options& out) {
  if (auto allowed = check_option_value(spec, value); !allowed.empty())
    return "invalid value for " + key + ": '" + value + "' (allowed: " + allowed + ")";
  spec.store(out.opts, value);
  out.origin[spec.name] = origin;
  return {};
}

// The value of an INI line after '=': quoted ("..." or '...', backslash
// escapes) or bare up to a comment (" ;" or " #").
std::string ini_value(const std::string& raw, bool& ok) {
  ok = true;
  auto v = trim(raw);
  if (!v.empty() && (v[0] == '"' || v[0] == '\'')) {
    std::string out;
    for (size_t i = 1; i < v.size(); ++i) {
      if (v[i] == '\\' && i + 1 < v.size()) {
        out += v[++i];
      } else if (v[i] == v[0]) {
        auto rest = trim(v.substr(i + 1));
        ok = rest.empty() || rest[0] == ';' || rest[0] == '#';
        return out;
      } else {
        out += v[i];
      }
    }
    ok = false;
    return out;
  }
  for (size_t i = 0; i < v.size(); ++i)
    if ((v[i] == ';' || v[i] == '#') && (i == 0 || v[i - 1] == ' ' || v[i - 1] == '\t'))
      return trim(v.substr(0, i));
  return v;
}

std::string read_file(const std::string& path, bool required, loaded_options& out) {
  std::ifstream in{path};
  if (!in) {
    if (!required)
      return {};
    return "cannot read --config-file '" + path + "'";
  }
  std::stringstream text;
  text << in.rdbuf();
  return apply_config_text(text.str(), path, out);
}

std::string apply_env(const env_lookup& env, loaded_options& out) {
  for (auto& spec : option_table())
    for (auto& var : spec.env) {
      auto v = env(var.c_str());
      if (!v || !*v)
        continue;
      std::string value = spec.from_env ? spec.from_env(v) : std::string{v};
      auto err = set_value(spec, value, var + " (option " + spec.name + ")", "env " + var, out);
      if (!err.empty())
        return err;
    }
  return {};
}

// --help and friends, or nothing.
bool action_of(const std::string& arg, option_action& action) {
  if (arg == "--help" || arg == "-h")
    action = option_action::help;
  else if (arg == "--help-markdown")
    action = option_action::help_markdown;
  else if (arg == "--help-ini")
    action = option_action::help_ini;
  else if (arg == "--print-config")
    action = option_action::print_config;
  else
    return false;
  return true;
}

} // namespace

std::string apply_config_text(const std::string& text, const std::string& where,
                              loaded_options& out) {
  std::istringstream in{text};
  std::string line, section;
  for (int n = 1; std::getline(in, line); ++n) {
    auto at = where + ":" + std::to_string(n);
    line = trim(line);
    if (line.empty() || line[0] == ';' || line[0] == '#')
      continue;
    if (line[0] == '[') {
      if (line.back() != ']')
        return at + ": a section header is [name], got '" + line + "'";
      section = trim(line.substr(1, line.size() - 2));
      if (section == "global")
        section.clear();
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos)
      return at + ": expected key=value, got '" + line + "'";
    auto key = trim(line.substr(0, eq));
    if (!section.empty()) {
      out.caf_settings.emplace_back(section + "." + key, trim(line.substr(eq + 1)));
      continue;
    }
    auto spec = find_option(key);
    if (!spec || !spec->file_key)
      return at + ": unknown key '" + key + "' (kagentd --help lists them)";
    bool ok = false;
    auto value = ini_value(line.substr(eq + 1), ok);
    if (!ok)
      return at + ": unterminated or trailing text after the quoted value of " + key;
    if (auto err = set_value(*spec, value, key + " in " + at, "file " + at, out); !err.empty())
      return err;
  }
  return {};
}

std::string load_options(const std::vector<std::string>& args, const env_lookup& env,
                         loaded_options& out) {
  // First pass: actions, the config file, and every argument's shape.
  std::string file;
  bool file_given = false;
  for (auto& arg : args) {
    if (action_of(arg, out.action)) {
      if (out.action != option_action::print_config)
        return {}; // help text does not depend on the other arguments
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      if (!arg.empty() && arg[0] == '-')
        return "unknown option " + arg + " (kagentd --help lists them)";
      if (arg == "keys")
        return "the keys command comes first: kagentd keys create|list|revoke [--name=value ...]";
      return "unknown command '" + arg
             + "': kagentd takes --name=value options and one "
               "command, keys (kagentd keys --help)";
    }
    auto eq = arg.find('=');
    auto name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    auto spec = find_option(name);
    if (!spec)
      return "unknown option --" + name + " (kagentd --help lists them)";
    if (eq == std::string::npos)
      return "--" + name + " needs a value: --" + name + "=" + spec->metavar;
    if (name == "config-file") {
      file = arg.substr(eq + 1);
      file_given = true;
    }
  }
  if (!file_given && access(default_config_file, F_OK) == 0)
    file = default_config_file;
  if (!file.empty()) {
    if (auto err = read_file(file, true, out); !err.empty())
      return err;
    out.opts.config_file = file;
    out.origin["config-file"] = file_given ? "flag" : "default (present)";
  }
  if (auto err = apply_env(env, out); !err.empty())
    return err;
  for (auto& arg : args) {
    if (arg.rfind("--", 0) != 0 || action_of(arg, out.action))
      continue;
    auto eq = arg.find('=');
    auto name = arg.substr(2, eq - 2);
    auto err = set_value(*find_option(name), arg.substr(eq + 1), "--" + name, "flag", out);
    if (!err.empty())
      return err;
  }
  return {};
}

} // namespace kagent
