#define CAF_SUITE launcher.sandbox_command
#include "caf/test/dsl.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "actors/sandbox_command.hpp"
#include "core/error.hpp"

using namespace kagent;
namespace fs = std::filesystem;

namespace {

stage_request sample_request() {
  stage_request req;
  req.job_id = "j1";
  req.stage = "train";
  req.argv = {"{python}", "{job}/solution.py", "--data={competition}/data", "{stage_bin}",
              "{unknown}"};
  req.job_dir = "/var/kagent/jobs/j1";
  req.competition_dir = "/mirror/titanic/public";
  req.description = "/mirror/titanic/description.md";
  return req;
}

sandbox_options mode(const std::string& m) {
  sandbox_options opts;
  opts.mode = m;
  return opts;
}

/// Position of the argument pair (flag, a, b) in argv, or npos.
size_t find_triple(const std::vector<std::string>& argv, const std::string& flag,
                   const std::string& a, const std::string& b) {
  for (size_t i = 0; i + 2 < argv.size(); ++i)
    if (argv[i] == flag && argv[i + 1] == a && argv[i + 2] == b)
      return i;
  return std::string::npos;
}

} // namespace

CAF_TEST(placeholders are replaced anywhere in an argument and only once) {
  stage_paths p{"/job", "/competition", "/opt/kagent/kagent-stage", "/usr/bin/python3"};
  CAF_CHECK_EQUAL(replace_placeholders("{job}/a:{job}/b", p), "/job/a:/job/b");
  CAF_CHECK_EQUAL(replace_placeholders("x{competition}y", p), "x/competitiony");
  CAF_CHECK_EQUAL(replace_placeholders("{other} {job", p), "{other} {job");
  stage_paths tricky{"{python}", "", "", "py"};
  CAF_CHECK_EQUAL(replace_placeholders("{job}", tricky), "{python}");
}

CAF_TEST(process mode runs argv directly with host paths) {
  auto argv = sandbox_argv(sample_request(), mode("process"), "/usr/lib/kagent/kagent-stage",
                           "/usr/bin/python3");
  CAF_REQUIRE(argv);
  std::vector<std::string> expected{"/usr/bin/python3", "/var/kagent/jobs/j1/solution.py",
                                    "--data=/var/kagent/jobs/j1/.competition/data",
                                    "/usr/lib/kagent/kagent-stage", "{unknown}"};
  CAF_CHECK_EQUAL(*argv, expected);
}

CAF_TEST(bwrap mode wraps argv and maps paths into the sandbox) {
  auto argv = sandbox_argv(sample_request(), mode("bwrap"), "/usr/lib/kagent/kagent-stage",
                           "/usr/bin/python3");
  CAF_REQUIRE(argv);
  auto& a = *argv;
  CAF_CHECK_EQUAL(a.front(), "/usr/bin/bwrap");
  auto sep = std::find(a.begin(), a.end(), "--");
  CAF_REQUIRE(sep != a.end());
  std::vector<std::string> tail(sep + 1, a.end());
  std::vector<std::string> expected{"/usr/bin/python3", "/job/solution.py",
                                    "--data=/competition/data", "/opt/kagent/kagent-stage",
                                    "{unknown}"};
  CAF_CHECK_EQUAL(tail, expected);
  CAF_CHECK_NOT_EQUAL(find_triple(a, "--ro-bind", "/usr", "/usr"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(find_triple(a, "--ro-bind", "/mirror/titanic/public", "/competition/data"),
                      std::string::npos);
  CAF_CHECK_NOT_EQUAL(
      find_triple(a, "--ro-bind", "/mirror/titanic/description.md", "/competition/description.md"),
      std::string::npos);
  CAF_CHECK_NOT_EQUAL(find_triple(a, "--bind", "/var/kagent/jobs/j1", "/job"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(
      find_triple(a, "--ro-bind", "/usr/lib/kagent/kagent-stage", "/opt/kagent/kagent-stage"),
      std::string::npos);
  for (auto flag : {"--unshare-all", "--die-with-parent", "--cap-drop"})
    CAF_CHECK(std::find(a.begin(), sep, flag) != sep);
  // The stage must stay in our process group so kill(-pgid) reaches it.
  CAF_CHECK(std::find(a.begin(), sep, "--new-session") == sep);
  // The root tmpfs is made read-only after every mount point exists.
  CAF_CHECK_EQUAL(*(sep - 4), "--remount-ro");
  CAF_CHECK_EQUAL(*(sep - 3), "/");
  CAF_CHECK(std::find(a.begin(), sep, "--share-net") == sep);
}

CAF_TEST(bwrap mode leaves out binds of absent description and stage binary) {
  auto req = sample_request();
  req.description.clear();
  auto argv = sandbox_argv(req, mode("bwrap"), "", "/usr/bin/python3");
  CAF_REQUIRE(argv);
  auto sep = std::find(argv->begin(), argv->end(), "--");
  CAF_REQUIRE(sep != argv->end());
  CAF_CHECK(std::find(argv->begin(), sep, "/competition/description.md") == sep);
  CAF_CHECK(std::find(argv->begin(), sep, "/opt/kagent/kagent-stage") == sep);
}

CAF_TEST(bad requests are refused) {
  auto req = sample_request();
  CAF_CHECK_EQUAL(code_of(sandbox_argv(req, mode("docker"), "", "").error()), errc::invalid_input);
  req.job_dir = "relative/dir";
  CAF_CHECK_EQUAL(code_of(sandbox_argv(req, mode("process"), "", "").error()), errc::invalid_input);
  req = sample_request();
  req.argv.clear();
  CAF_CHECK_EQUAL(code_of(sandbox_argv(req, mode("bwrap"), "", "").error()), errc::invalid_input);
}

CAF_TEST(stage environment is an allowlist without secrets) {
  ::setenv("KAGGLE_KEY", "kaggle-secret", 1);
  ::setenv("ANTHROPIC_API_KEY", "llm-secret", 1);
  ::setenv("OPENBLAS_CORETYPE", "Haswell", 1);
  auto env = stage_environment("/job");
  auto has = [&](const std::string& kv) {
    return std::find(env.begin(), env.end(), kv) != env.end();
  };
  CAF_CHECK(has("PATH=/usr/bin:/bin"));
  CAF_CHECK(has("HOME=/job"));
  CAF_CHECK(has("PYTHONUNBUFFERED=1"));
  CAF_CHECK(has("OMP_NUM_THREADS=1"));
  CAF_CHECK(has("OPENBLAS_CORETYPE=Haswell"));
  for (auto& kv : env) {
    CAF_CHECK_EQUAL(kv.find("secret"), std::string::npos);
    CAF_CHECK_NOT_EQUAL(kv.compare(0, 6, "KAGGLE"), 0);
  }
  ::unsetenv("OPENBLAS_CORETYPE");
}

CAF_TEST(process mode links the competition into the job dir) {
  auto root = fs::temp_directory_path() / ("kagent-links-" + std::to_string(::getpid()));
  fs::create_directories(root / "job");
  fs::create_directories(root / "comp");
  std::ofstream{root / "desc.md"} << "# desc\n";
  stage_request req;
  req.job_dir = (root / "job").string();
  req.competition_dir = (root / "comp").string();
  req.description = (root / "desc.md").string();
  CAF_CHECK(!prepare_competition_links(req));
  CAF_CHECK(!prepare_competition_links(req)); // again: replaces the links
  CAF_CHECK_EQUAL(fs::read_symlink(root / "job/.competition/data"), root / "comp");
  CAF_CHECK_EQUAL(fs::read_symlink(root / "job/.competition/description.md"), root / "desc.md");
  fs::remove_all(root);
}
