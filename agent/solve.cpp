#include "agent/solve.hpp"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include <rapidjson/document.h>

#include "sources/mirror.hpp"
#include "agent/json_io.hpp"
#include "agent/sandbox.hpp"

namespace kagent::agent {

namespace {

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) ? std::string(buf) : p;
}

result<ok_t> make_dirs(const std::string& path) {
  std::string cur;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    cur = path.substr(0, pos);
    if (!cur.empty() && mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST)
      return fail("cannot create " + cur + ": " + std::strerror(errno));
  }
  return ok_t{};
}

// (Re)points `link` at `target`, so reruns are idempotent.
result<ok_t> relink(const std::string& target, const std::string& link) {
  unlink(link.c_str());
  if (symlink(target.c_str(), link.c_str()) != 0)
    return fail("cannot link " + link + " -> " + target + ": " + std::strerror(errno));
  return ok_t{};
}

void relay(const std::string& line, const std::string& stage, double base, double span,
           std::string& last_error) {
  rapidjson::Document d;
  d.Parse(line.c_str());
  if (d.HasParseError() || !d.IsObject()) {
    std::cout << "[" << stage << "] " << line << std::endl;
    return;
  }
  if (d.HasMember("error") && d["error"].IsString()) {
    last_error = d["error"].GetString();
    return;
  }
  double p = d.HasMember("progress") && d["progress"].IsNumber() ? d["progress"].GetDouble() : 0;
  rapidjson::Document out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember("stage", json_string(stage, a), a);
  out.AddMember("progress", base + span * std::min(1.0, std::max(0.0, p)), a);
  out.AddMember("message", json_string(get_string(d, "message"), a), a);
  std::cout << to_json_line(out) << std::endl;
}

} // namespace

result<ok_t> run_child(const std::vector<std::string>& argv, const std::string& cwd,
                       const std::string& stage, double base, double span,
                       const std::vector<std::string>& env) {
  int fds[2];
  if (pipe(fds) != 0)
    return fail(std::string("pipe: ") + std::strerror(errno));
  std::cout.flush();
  pid_t pid = fork();
  if (pid < 0)
    return fail(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    if (chdir(cwd.c_str()) != 0)
      _exit(126);
    std::vector<char*> args;
    for (auto& s : argv)
      args.push_back(const_cast<char*>(s.c_str()));
    args.push_back(nullptr);
    if (env.empty())
      execv(args[0], args.data());
    std::vector<char*> envp;
    for (auto& s : env)
      envp.push_back(const_cast<char*>(s.c_str()));
    envp.push_back(nullptr);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  std::string pending, last_error;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
    if (n < 0)
      continue;
    pending.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      relay(pending.substr(0, nl), stage, base, span, last_error);
      pending.erase(0, nl + 1);
    }
  }
  if (!pending.empty())
    relay(pending, stage, base, span, last_error);
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return ok_t{};
  std::string how = WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                      : "signal " + std::to_string(WTERMSIG(status));
  return fail(stage + " failed (" + how + ")" + (last_error.empty() ? "" : ": " + last_error));
}

result<std::string> solve(const solve_options& opts) {
  auto root = real_path(opts.competition_root);
  auto slash = root.find_last_of('/');
  auto src = sources::find_in_mirror(root.substr(0, slash), root.substr(slash + 1));
  if (!src)
    return fail("not a competition directory: " + opts.competition_root);
  auto out = opts.out_dir;
  if (auto r = make_dirs(out + "/competition"); !r)
    return fail(r.error());
  if (auto r = make_dirs(out + "/job"); !r)
    return fail(r.error());
  out = real_path(out);
  auto cdir = out + "/competition", jdir = out + "/job";
  if (auto r = relink(src->data_dir, cdir + "/data"); !r)
    return fail(r.error());
  unlink((cdir + "/description.md").c_str());
  if (!src->description.empty())
    if (auto r = relink(src->description, cdir + "/description.md"); !r)
      return fail(r.error());
  char self[PATH_MAX];
  auto len = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (len <= 0)
    return fail("cannot find my own executable");
  std::string exe(self, static_cast<size_t>(len));
  auto mode = opts.sandbox.empty() ? default_sandbox_mode() : opts.sandbox;
  if (mode != "bwrap" && mode != "process")
    return fail("unknown sandbox mode '" + mode + "' (bwrap|process)");
  std::vector<std::string> prefix, env = stage_env(jdir);
  std::string stage_bin = exe, cin = cdir, jin = jdir;
  if (mode == "bwrap") {
    if (opts.python.rfind("/usr/", 0) != 0)
      return fail("the bwrap sandbox only mounts /usr: python must live there, not " + opts.python);
    prefix = bwrap_prefix({real_path(src->data_dir),
                           src->description.empty() ? "" : real_path(src->description), jdir, exe});
    env = {};  // bwrap --clearenv sets the allowlist inside
    stage_bin = sandboxed_stage, cin = "/competition", jin = "/job";
  }
  std::cout << "sandbox: " << mode << std::endl;
  char budget[32];
  snprintf(budget, sizeof(budget), "%g", opts.time_budget_seconds);
  struct step {
    std::string name;
    std::vector<std::string> argv;
    double span;
  };
  std::vector<step> steps = {
    {"analyze", {stage_bin, "analyze", "--competition", cin, "--job", jin}, 0.05},
    {"plan", {stage_bin, "plan", "--job", jin, "--time-budget", budget}, 0.02},
    {"generate", {stage_bin, "generate", "--job", jin}, 0.02},
    {"train", {opts.python, jin + "/solution.py", "--competition", cin, "--job", jin}, 0.89},
    {"validate", {stage_bin, "validate", "--competition", cin, "--job", jin}, 0.02},
  };
  double base = 0;
  for (auto& s : steps) {
    auto argv = prefix;
    argv.insert(argv.end(), s.argv.begin(), s.argv.end());
    auto r = run_child(argv, jdir, s.name, base, s.span, env);
    if (!r)
      return fail(r.error());
    base += s.span;
  }
  return jdir + "/submission.csv";
}

} // namespace kagent::agent
