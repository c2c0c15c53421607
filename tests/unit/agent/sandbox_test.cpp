#define CAF_SUITE agent.sandbox
#include "caf/test/dsl.hpp"

#include "actors/sandbox_command.hpp"
#include "agent/sandbox.hpp"

using namespace kagent::agent;

namespace {

// bwrap_prefix without its --clearenv / --setenv K V options (the server's
// launcher sets the same allowlist through execve instead).
std::vector<std::string> without_env(const std::vector<std::string>& argv) {
  std::vector<std::string> out;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == "--clearenv")
      continue;
    if (argv[i] == "--setenv") {
      i += 2;
      continue;
    }
    out.push_back(argv[i]);
  }
  return out;
}

} // namespace

CAF_TEST(solve uses the bwrap layout of the server launcher) {
  kagent::stage_request req;
  req.argv = {"{stage_bin}", "analyze", "--competition", "{competition}", "--job", "{job}"};
  req.job_dir = "/srv/jobs/7";
  req.competition_dir = "/srv/mirror/c/public";
  req.description = "/srv/mirror/c/description.md";
  kagent::sandbox_options opts;
  opts.mode = "bwrap";
  auto server = kagent::sandbox_argv(req, opts, "/usr/local/bin/kagent-stage", "/usr/bin/python3");
  CAF_REQUIRE(server);
  auto ours = bwrap_prefix({req.competition_dir, req.description, req.job_dir,
                            "/usr/local/bin/kagent-stage"});
  ours.insert(ours.end(), {sandboxed_stage, "analyze", "--competition", "/competition", "--job", "/job"});
  CAF_CHECK_EQUAL(without_env(ours), *server);
}

CAF_TEST(the sandbox clears the environment and sets the allowlist of the launcher) {
  auto argv = bwrap_prefix({"/d", "", "/j", "/s"});
  auto clear = std::find(argv.begin(), argv.end(), "--clearenv");
  CAF_REQUIRE(clear != argv.end());
  std::vector<std::string> env;
  for (auto it = clear; it != argv.end(); ++it)
    if (*it == "--setenv")
      env.push_back(*(it + 1) + "=" + *(it + 2));
  CAF_CHECK_EQUAL(env, kagent::stage_environment("/job"));
  CAF_CHECK(std::find(env.begin(), env.end(), "OMP_NUM_THREADS=1") != env.end());
  CAF_CHECK(std::find(argv.begin(), argv.end(), "/competition/description.md") == argv.end());
  for (auto flag : {"--unshare-all", "--die-with-parent", "--remount-ro"})
    CAF_CHECK(std::find(argv.begin(), argv.end(), flag) != argv.end());
  CAF_CHECK_EQUAL(argv.back(), "--");
}
