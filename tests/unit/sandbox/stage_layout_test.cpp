#define CAF_SUITE sandbox.stage_layout
#include "caf/test/dsl.hpp"

#include <algorithm>
#include <cstdlib>

#include "sandbox/stage_layout.hpp"
#include "sandbox/stage_user.hpp"

using namespace kagent::sandbox;

namespace {

bwrap_mounts sample_mounts() {
  bwrap_mounts m;
  m.job = "/run/kagent/job";
  m.data = "/run/kagent/competition/data";
  m.description = "/run/kagent/competition/description.md";
  m.stage_bin = "/run/kagent/stage-bin";
  m.etc = {{7, "passwd"}, {8, "group"}};
  m.shared_etc = {"ssl/certs"};
  return m;
}

/// Position of (flag, a, b) in argv, or npos.
size_t find_triple(const std::vector<std::string>& argv, const std::string& flag,
                   const std::string& a, const std::string& b) {
  for (size_t i = 0; i + 2 < argv.size(); ++i)
    if (argv[i] == flag && argv[i + 1] == a && argv[i + 2] == b)
      return i;
  return std::string::npos;
}

bool has(const std::vector<std::string>& argv, const std::string& x) {
  return std::find(argv.begin(), argv.end(), x) != argv.end();
}

} // namespace

CAF_TEST(placeholders are replaced anywhere in an argument and only once) {
  stage_paths p{"/job", "/competition", "/opt/kagent/kagent-stage", "/usr/bin/python3", ""};
  CAF_CHECK_EQUAL(replace_placeholders("{job}/a:{job}/b", p), "/job/a:/job/b");
  CAF_CHECK_EQUAL(replace_placeholders("x{competition}y", p), "x/competitiony");
  CAF_CHECK_EQUAL(replace_placeholders("{other} {job", p), "{other} {job");
  stage_paths tricky{"{python}", "", "", "py", ""};
  CAF_CHECK_EQUAL(replace_placeholders("{job}", tricky), "{python}");
}

CAF_TEST(the bwrap layout isolates everything and mounts only what a stage needs) {
  auto a = bwrap_prefix("/usr/bin/bwrap", sample_mounts(), 1 << 20);
  CAF_CHECK_EQUAL(a.front(), "/usr/bin/bwrap");
  CAF_CHECK_EQUAL(a.back(), "--");
  for (auto flag : {"--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                    "--cap-drop"})
    CAF_CHECK(has(a, flag));
  // No network, and the stage stays in our process group so kill(-pgid) reaches it.
  CAF_CHECK(!has(a, "--share-net"));
  CAF_CHECK(!has(a, "--new-session"));
  CAF_CHECK_NOT_EQUAL(find_triple(a, "--ro-bind", "/usr", "/usr"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(find_triple(a, "--bind", "/run/kagent/job", "/job"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(
    find_triple(a, "--ro-bind", "/run/kagent/competition/data", "/competition/data"),
    std::string::npos);
  CAF_CHECK_NOT_EQUAL(find_triple(a, "--ro-bind", "/run/kagent/competition/description.md",
                                  "/competition/description.md"),
                      std::string::npos);
  CAF_CHECK_NOT_EQUAL(
    find_triple(a, "--ro-bind", "/run/kagent/stage-bin", "/opt/kagent/kagent-stage"),
    std::string::npos);
  // A generated /etc: never the host's, never its shadow files.
  CAF_CHECK_EQUAL(find_triple(a, "--ro-bind", "/etc", "/etc"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(find_triple(a, "--ro-bind-data", "7", "/etc/passwd"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(find_triple(a, "--ro-bind-try", "/etc/ssl/certs", "/etc/ssl/certs"),
                      std::string::npos);
  for (auto& x : a)
    CAF_CHECK_EQUAL(x.find("shadow"), std::string::npos);
  // Both tmpfs are bounded; /dev and / end read-only.
  CAF_CHECK_NOT_EQUAL(find_triple(a, "--size", "1048576", "--tmpfs"), std::string::npos);
  auto tmp = std::find(a.begin(), a.end(), "/tmp");
  CAF_REQUIRE(tmp != a.end());
  CAF_CHECK_EQUAL(*(tmp - 2), "1048576");
  auto shm = std::find(a.begin(), a.end(), "/dev/shm");
  CAF_REQUIRE(shm != a.end());
  CAF_CHECK_EQUAL(*(shm - 2), "1048576");
  auto n = a.size();
  CAF_CHECK_EQUAL(a[n - 7], "--remount-ro");
  CAF_CHECK_EQUAL(a[n - 6], "/dev");
  CAF_CHECK_EQUAL(a[n - 5], "--remount-ro");
  CAF_CHECK_EQUAL(a[n - 4], "/");
}

CAF_TEST(the bwrap layout leaves out what a stage does not have) {
  auto m = sample_mounts();
  m.description.clear();
  m.stage_bin.clear();
  auto a = bwrap_prefix("/usr/bin/bwrap", m, 0);
  CAF_CHECK(!has(a, "/competition/description.md"));
  CAF_CHECK(!has(a, "/opt/kagent/kagent-stage"));
  CAF_CHECK(!has(a, "--size"));
}

CAF_TEST(stage environment is an allowlist without secrets) {
  ::setenv("KAGGLE_KEY", "kaggle-secret", 1);
  ::setenv("ANTHROPIC_API_KEY", "llm-secret", 1);
  ::setenv("OPENBLAS_CORETYPE", "Haswell", 1);
  auto env = stage_environment("/job");
  auto in = [&](const std::string& kv) { return has(env, kv); };
  CAF_CHECK(in("PATH=/usr/bin:/bin"));
  CAF_CHECK(in("HOME=/job"));
  CAF_CHECK(in("PYTHONUNBUFFERED=1"));
  CAF_CHECK(in("OMP_NUM_THREADS=1"));
  CAF_CHECK(in("OPENBLAS_CORETYPE=Haswell"));
  for (auto& kv : env) {
    CAF_CHECK_EQUAL(kv.find("secret"), std::string::npos);
    CAF_CHECK_NOT_EQUAL(kv.compare(0, 6, "KAGGLE"), 0);
  }
  ::unsetenv("OPENBLAS_CORETYPE");
  ::unsetenv("KAGGLE_KEY");
  ::unsetenv("ANTHROPIC_API_KEY");
}

CAF_TEST(the generated etc names the stage user and holds no password hashes) {
  identity who{true, 999, 995, "kagent-sandbox"};
  auto files = minimal_etc(who);
  std::vector<std::string> names;
  for (auto& f : files) {
    names.push_back(f.name);
    CAF_CHECK_EQUAL(f.content.find(":$"), std::string::npos); // no crypt hashes
  }
  CAF_CHECK_EQUAL(names, (std::vector<std::string>{"passwd", "group", "hosts", "nsswitch.conf"}));
  CAF_CHECK_NOT_EQUAL(files[0].content.find("kagent-sandbox:x:999:995:"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(files[1].content.find("kagent-sandbox:x:995:"), std::string::npos);
  for (auto& e : shared_etc_entries())
    CAF_CHECK(e.find("shadow") == std::string::npos && e != "passwd" && e != "group");
}
