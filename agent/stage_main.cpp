// kagent-stage: the pipeline stages as one program (docs/ARCHITECTURE.md, the pipeline). Each
// subcommand is one stage; it talks to its launcher with JSON lines on stdout
// and ends with its exit code (0 success, 1 stage failure, 2 usage error).
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "agent/analyze.hpp"
#include "agent/generate.hpp"
#include "agent/json_io.hpp"
#include "agent/llm/llm_options.hpp"
#include "agent/llm/llm_stages.hpp"
#include "agent/plan.hpp"
#include "agent/solve.hpp"
#include "agent/validate.hpp"

using namespace kagent::agent;

namespace {

constexpr const char* usage_text =
  R"(usage: kagent-stage <command> [options]

Stages (run in the job dir; progress as JSON lines on stdout):
  analyze  --competition C --job J          C/data + C/description.md -> J/profile.json
  plan     --job J [--time-budget S]        J/profile.json -> J/plan.json (default budget 120 s)
  generate --job J                          J/profile.json + J/plan.json -> J/solution.py
  validate --competition C --job J          checks J/submission.csv -> J/validation.json
  repair   --job J --round K --rounds N --program P --error E --out O --record R  LLM
                                            a fix of J/P (failed with J/E) -> J/O, J/R
Training is not a subcommand: /usr/bin/python3 J/solution.py --competition C --job J

LLM (plan, generate, repair; off unless --llm is given):
  --llm=anthropic|openai --llm-model=M [--llm-url=BASE] [--llm-timeout=S] [--llm-max-tokens=N]
  [--llm-socket=PATH]   the server's proxy socket (no key needed); without it the key
                        comes from ANTHROPIC_API_KEY / OPENAI_API_KEY and BASE may come
                        from ANTHROPIC_BASE_URL / OPENAI_BASE_URL

Debugging:
  solve <competition-root> --out DIR [--time-budget S] [--sandbox=bwrap|process]
           runs all stages on a mirror entry (public/ + description.md, or loose
           files) in DIR/job; prints where submission.csv is. Each stage runs in
           the server's sandbox: under bubblewrap (default when /usr/bin/bwrap
           exists) or as a plain process, as the sandbox user when run as root,
           in a cgroup where one can be made. KAGENT_PYTHON overrides
           /usr/bin/python3.

Exit codes: 0 success, 1 the stage failed (reason in the last {"error":...} line), 2 usage.
)";

int usage_error(const std::string& msg) {
  std::cerr << "kagent-stage: " << msg << "\n\n" << usage_text;
  return 2;
}

// --name value pairs and positional arguments; false on a dangling flag.
bool parse_args(int argc, char** argv, std::map<std::string, std::string>& flags,
                std::vector<std::string>& positional, std::string& error) {
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0) {
      auto eq = a.find('=');
      if (eq != std::string::npos) {
        flags[a.substr(2, eq - 2)] = a.substr(eq + 1);
      } else if (i + 1 < argc) {
        flags[a.substr(2)] = argv[++i];
      } else {
        error = "option " + a + " needs a value";
        return false;
      }
    } else {
      positional.push_back(a);
    }
  }
  return true;
}

int finish(const result<ok_t>& r) {
  if (r)
    return 0;
  emit_error(r.error());
  return 1;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2)
    return usage_error("missing command");
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << usage_text;
    return 0;
  }
  std::map<std::string, std::string> flags;
  std::vector<std::string> pos;
  std::string error;
  if (!parse_args(argc, argv, flags, pos, error))
    return usage_error(error);
  if (flags.count("help")) {
    std::cout << usage_text;
    return 0;
  }
  std::map<std::string, std::vector<std::string>> allowed = {
    {"analyze", {"competition", "job"}},   {"plan", {"job", "time-budget", "seed"}},
    {"generate", {"job"}},                 {"validate", {"competition", "job"}},
    {"solve", {"out", "time-budget", "sandbox"}},
    {"repair", {"job", "round", "rounds", "program", "error", "out", "record"}},
  };
  for (auto cmd_with_llm : {"plan", "generate", "repair"})
    for (auto f = llm::llm_flag_names(); *f; ++f)
      allowed[cmd_with_llm].push_back(*f);
  auto it = allowed.find(cmd);
  if (it == allowed.end())
    return usage_error("unknown command '" + cmd + "'");
  for (auto& [k, v] : flags)
    if (std::find(it->second.begin(), it->second.end(), k) == it->second.end())
      return usage_error(cmd + ": unknown option --" + k);
  if (cmd != "solve" && !pos.empty())
    return usage_error(cmd + ": unexpected argument '" + pos.front() + "'");
  auto need = [&](const std::string& k) { return flags.count(k) && !flags[k].empty(); };
  double budget = 120;
  if (flags.count("time-budget")) {
    char* end = nullptr;
    budget = std::strtod(flags["time-budget"].c_str(), &end);
    if (*end != '\0' || budget <= 0)
      return usage_error("--time-budget must be a positive number of seconds");
  }
  if (cmd == "analyze" || cmd == "validate") {
    if (!need("competition") || !need("job"))
      return usage_error(cmd + " needs --competition C and --job J");
    return finish(cmd == "analyze" ? run_analyze(flags["competition"], flags["job"])
                                   : run_validate(flags["competition"], flags["job"]));
  }
  auto llm_opts = llm::llm_from_flags(flags);
  if (!llm_opts)
    return usage_error(llm_opts.error());
  if (cmd == "repair") {
    llm::repair_files f;
    f.round = std::atoi(flags["round"].c_str());
    f.rounds = std::atoi(flags["rounds"].c_str());
    f.program = flags["program"];
    f.error = flags["error"];
    f.out = flags["out"];
    f.record = flags["record"];
    if (!need("job") || f.round < 1 || f.rounds < f.round || f.program.empty() || f.error.empty()
        || f.out.empty() || f.record.empty() || !*llm_opts)
      return usage_error("repair needs --job, --round K, --rounds N >= K, --program, --error, "
                         "--out, --record and --llm");
    return finish(llm::run_repair(flags["job"], f, **llm_opts));
  }
  if (cmd == "plan" || cmd == "generate") {
    if (!need("job"))
      return usage_error(cmd + " needs --job J");
    if (cmd == "generate")
      return finish(run_generate(flags["job"], generate_options{*llm_opts}));
    plan_options opts;
    opts.llm = *llm_opts;
    opts.time_budget_seconds = budget;
    if (flags.count("seed"))
      opts.seed = std::atoi(flags["seed"].c_str());
    return finish(run_plan(flags["job"], opts));
  }
  if (pos.size() != 1 || !need("out"))
    return usage_error("solve needs <competition-root> --out DIR");
  solve_options opts;
  opts.competition_root = pos.front();
  opts.out_dir = flags["out"];
  opts.time_budget_seconds = budget;
  opts.sandbox = flags.count("sandbox") ? flags["sandbox"] : "";
  if (opts.sandbox != "" && opts.sandbox != "bwrap" && opts.sandbox != "process")
    return usage_error("--sandbox must be bwrap or process");
  if (const char* py = std::getenv("KAGENT_PYTHON"))
    opts.python = py;
  auto r = solve(opts);
  if (!r) {
    emit_error(r.error());
    return 1;
  }
  std::cout << "submission: " << *r << std::endl;
  return 0;
}
