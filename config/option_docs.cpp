#include "config/option_docs.hpp"

#include <cstdio>

#include "config/option_table.hpp"

namespace kagent {

namespace {

constexpr const char* precedence = "Precedence: flags > environment > config file > defaults.";

constexpr const char* regenerate = "build/kagentd --help-markdown > docs/OPTIONS.md && "
                                   "build/kagentd --help-ini > config/kagentd.example.ini";

// Variables that hold credentials; never options, only reported as set or not.
const char* const credential_vars[] = {"ANTHROPIC_API_KEY", "OPENAI_API_KEY", "KAGGLE_USERNAME",
                                       "KAGGLE_KEY"};

std::string env_list(const option_spec& s, const char* sep) {
  std::string out;
  for (auto& e : s.env)
    out += (out.empty() ? "" : sep) + e;
  return out;
}

// A markdown table cell: '|' would end it.
std::string cell(const std::string& v) {
  std::string out;
  for (char c : v)
    out += c == '|' ? std::string{"\\|"} : std::string(1, c);
  return out;
}

bool is_number(const option_spec& s) {
  return s.kind == option_kind::integer || s.kind == option_kind::bytes;
}

std::string quoted(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string masked(const option_spec& s, const std::string& v) {
  if (v.empty())
    return v;
  if (s.secret || s.kind == option_kind::url)
    return mask_credentials(v);
  return v;
}

} // namespace

std::string help_text() {
  std::string out =
      "kagentd - turns Kaggle competition URLs into validated submissions\n\n"
      "usage: kagentd [--name=value ...]\n"
      "       kagentd keys create|list|revoke ...   API keys (kagentd keys --help)\n"
      "       kagentd --print-config [--name=value ...]   the effective configuration\n"
      "       kagentd --help | --help-markdown | --help-ini\n\n"
      "Every option is also a config-file key (no dashes). ";
  out += precedence;
  out += "\nFull reference: docs/OPTIONS.md.\n";
  std::string group;
  for (auto& s : option_table()) {
    if (s.group != group) {
      group = s.group;
      out += "\n" + group + ":\n";
    }
    auto flag = "--" + s.name + "=" + s.metavar;
    char head[64];
    snprintf(head, sizeof(head), "  %-30s ", flag.c_str());
    out += head;
    if (flag.size() > 30)
      out += "\n" + std::string(33, ' ');
    out += s.help + " [" + default_text(s) + "]";
    if (!s.env.empty())
      out += " (env " + env_list(s, ", ") + ")";
    out += "\n";
  }
  return out;
}

std::string options_markdown() {
  std::string out = "# kagentd options\n\n"
                    "<!-- Generated from config/option_table.cpp; regenerate with\n     ";
  out += regenerate;
  out += " -->\n\n"
         "Every option is a flag (`--name=value`) and a key of the config file given with "
         "`--config-file` (the same name, no dashes; see config/kagentd.example.ini); some are "
         "also environment variables. ";
  out += precedence;
  out += " An invalid value from any of them stops kagentd with exit status 2 and a message "
         "naming the key, the value and what is allowed.\n\n"
         "`kagentd --print-config` prints the effective value of every option and where it "
         "came from (default, file, env, flag), with credentials masked.\n\n"
         "Credentials are never options: the LLM key comes from `ANTHROPIC_API_KEY` / "
         "`OPENAI_API_KEY`, Kaggle's from `KAGGLE_USERNAME` + `KAGGLE_KEY` or kaggle.json.\n"
         "Byte sizes take a binary suffix: `64K`, `8G` (also `KiB`, `MiB`, ...).\n";
  std::string group;
  for (auto& s : option_table()) {
    if (s.group != group) {
      group = s.group;
      out += "\n## " + group
             + "\n\n| Option | Environment | Default | Allowed | What it does |\n"
               "|---|---|---|---|---|\n";
    }
    auto env = env_list(s, "`, `");
    out += "| `--" + cell(s.name + "=" + s.metavar) + "` | " + (env.empty() ? "" : "`" + env + "`")
           + " | `" + cell(default_text(s)) + "` | " + cell(allowed_values(s)) + " | "
           + cell(s.help) + (s.file_key ? "" : " (a flag only)") + " |\n";
  }
  return out;
}

std::string example_ini() {
  std::string out =
      "; kagentd configuration. Generated from config/option_table.cpp; regenerate with\n"
      ";   ";
  out += regenerate;
  out += "\n; Every key is also a flag: --name=value. ";
  out += precedence;
  out += "\n; Use with: kagentd --config-file=config/kagentd.example.ini\n"
         "; Keys before any [section] are kagentd's own; the values below are the defaults\n"
         "; (commented out where the default is worked out at start-up). Credentials are\n"
         "; never read from this file (see docs/OPTIONS.md).\n";
  std::string group;
  for (auto& s : option_table()) {
    if (!s.file_key)
      continue;
    if (s.group != group) {
      group = s.group;
      out += "\n; --- " + group + "\n";
    }
    out += "; " + s.help + "\n; allowed: " + allowed_values(s);
    if (!s.env.empty())
      out += "; env " + env_list(s, ", ");
    out += "\n";
    auto v = s.load(kagentd_options{});
    if (!s.default_note.empty() || v.empty())
      out += ";" + s.name + "=" + (is_number(s) ? v : quoted(v)) + "  ; default " + default_text(s)
             + "\n";
    else
      out += s.name + "=" + (is_number(s) ? v : quoted(v)) + "\n";
  }
  out += "\n[scheduler]\n"
         "; CAF's own settings go in sections. Work-stealing backs off when idle, which\n"
         "; costs latency at low load; kagentd uses sharing unless this says otherwise.\n"
         "policy='sharing'\n";
  return out;
}

std::string effective_config(const loaded_options& loaded, const env_lookup& env) {
  std::string out = "; kagentd effective configuration (credentials masked)\n";
  for (auto& s : option_table()) {
    auto v = masked(s, s.load(loaded.opts));
    auto o = loaded.origin.find(s.name);
    auto from = o == loaded.origin.end() ? std::string{"default"} : o->second;
    out += s.name + "=" + (is_number(s) ? v : quoted(v)) + "  ; " + from + "\n";
  }
  for (auto& [key, value] : loaded.caf_settings)
    out += "; caf: " + key + "=" + value + "\n";
  out += "; credentials from the environment:\n";
  for (auto var : credential_vars) {
    auto v = env(var);
    out += std::string{";   "} + var + (v && *v ? "=**** (set)" : " (not set)") + "\n";
  }
  return out;
}

} // namespace kagent
