#define CAF_SUITE sandbox.cgroup
#include "caf/test/dsl.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "sandbox/cgroup_root.hpp"
#include "sandbox/spawn.hpp"
#include "sandbox/stage_cgroup.hpp"

using namespace kagent::sandbox;

namespace {

// This machine's kind of host: cgroup v1 controllers plus an empty v2 mount.
const char* hybrid_cgroup = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/d3cf\n0::/\n";
const char* hybrid_mounts =
  "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
  "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
  "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
  "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
// A systemd host with only the unified hierarchy.
const char* v2_cgroup = "0::/system.slice/kagentd.service\n";
const char* v2_mounts = "29 23 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw\n";

/// True while a live process has `token` in its command line.
bool process_with(const std::string& token) {
  for (auto& e : std::filesystem::directory_iterator{"/proc"}) {
    auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::ifstream in{e.path() / "cmdline"};
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmd.find(token) != std::string::npos)
      return true;
  }
  return false;
}

} // namespace

CAF_TEST(the v1 memory and pids hierarchies are used where both are mounted) {
  auto own = parse_proc_cgroup(hybrid_cgroup);
  CAF_CHECK_EQUAL(own["memory"], "/process_api/d3cf");
  CAF_CHECK_EQUAL(own["pids"], "/");
  CAF_CHECK_EQUAL(own[""], "/");
  auto mounts = parse_cgroup_mounts(hybrid_mounts);
  CAF_REQUIRE_EQUAL(mounts.size(), 3u);
  CAF_CHECK_EQUAL(mounts[0].controllers, std::vector<std::string>{"memory"});
  CAF_CHECK(mounts[2].v2);
  auto root = plan_cgroup_root(own, mounts, "kagent.7");
  CAF_REQUIRE(root);
  CAF_CHECK(root->version == cgroup_version::v1);
  CAF_CHECK_EQUAL(root->memory_dir, "/sys/fs/cgroup/memory/process_api/d3cf/kagent.7");
  CAF_CHECK_EQUAL(root->pids_dir, "/sys/fs/cgroup/pids/kagent.7");
}

CAF_TEST(the unified hierarchy is used on a pure v2 host) {
  auto root = plan_cgroup_root(parse_proc_cgroup(v2_cgroup), parse_cgroup_mounts(v2_mounts),
                               "kagent.7");
  CAF_REQUIRE(root);
  CAF_CHECK(root->version == cgroup_version::v2);
  CAF_CHECK_EQUAL(root->memory_dir, "/sys/fs/cgroup/system.slice/kagentd.service/kagent.7");
  CAF_CHECK_EQUAL(root->pids_dir, root->memory_dir);
}

CAF_TEST(no cgroup file system is a failure that says so) {
  auto root = plan_cgroup_root(parse_proc_cgroup("4:memory:/\n"),
                               parse_cgroup_mounts("35 31 0:32 / /m rw - cgroup cgroup rw,memory\n"),
                               "kagent.7");
  CAF_REQUIRE(!root);
  CAF_CHECK_NOT_EQUAL(root.error().find("v1 has only memory"), std::string::npos);
}

CAF_TEST(a stage cgroup bounds tasks and its kill ends a setsid daemon) {
  auto root = make_cgroup_root();
  if (!root) {
    CAF_MESSAGE("no cgroup here (" << root.error() << "): skipped");
    return;
  }
  {
    auto cg = stage_cgroup::create(*root, "unit-test", {64 << 20, 8});
    CAF_REQUIRE_EQUAL(cg ? std::string{} : cg.error(), "");
    spawn_spec spec;
    // A daemon out of the session (setsid), then as many sleeps as will fork.
    spec.argv = {"/bin/sh", "-c", "setsid sleep 100.3939 & for i in 1 2 3 4 5 6 7 8 9 10; do "
                                  "sleep 100.3940 & done; wait"};
    spec.env = {"PATH=/usr/bin:/bin"};
    spec.cgroup_procs = cg->procs_files();
    auto pid = spawn(spec);
    CAF_REQUIRE(pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto usage = cg->usage();
    CAF_MESSAGE("tasks peak " << usage.tasks_peak << ", memory peak " << usage.memory_peak_bytes);
    CAF_CHECK_LESS_OR_EQUAL(usage.tasks_peak, 8);
    CAF_CHECK(process_with("100.3939")); // the daemon ran
    CAF_CHECK(cg->kill_all());
    int status = 0;
    CAF_CHECK_EQUAL(::waitpid(*pid, &status, 0), *pid);
  }
  // Every member died with the cgroup, which is gone too.
  CAF_CHECK(!process_with("100.3939"));
  CAF_CHECK(!process_with("100.3940"));
  remove_cgroup_root(*root);
  CAF_CHECK(::access(root->memory_dir.c_str(), F_OK) != 0);
}
