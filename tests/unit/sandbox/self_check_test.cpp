#define CAF_SUITE sandbox.self_check
#include "caf/test/dsl.hpp"

#include <unistd.h>

#include "sandbox/self_check.hpp"
#include "sandbox/stage_launch.hpp"

using namespace kagent::sandbox;

CAF_TEST(the check accepts bwrap here and explains a missing one) {
  options opts;
  auto host = setup_host(opts);
  CAF_REQUIRE_EQUAL(host ? std::string{} : host.error(), "");
  auto ok = check_sandbox(opts, *host);
  CAF_CHECK_EQUAL(ok ? std::string{} : ok.error(), "");
  opts.bwrap = "/nonexistent/bwrap";
  auto missing = check_sandbox(opts, *host);
  CAF_REQUIRE(!missing);
  CAF_CHECK_NOT_EQUAL(missing.error().find("install bubblewrap"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(missing.error().find("--sandbox=process"), std::string::npos);
  opts.mode = "process";
  CAF_CHECK(check_sandbox(opts, *host));
  teardown_host(*host);
}

CAF_TEST(as root a missing stage user or root itself is refused) {
  if (::geteuid() != 0) {
    CAF_MESSAGE("not root: skipped");
    return;
  }
  options opts;
  opts.user = "no-such-user-kagent";
  auto host = setup_host(opts);
  CAF_REQUIRE(!host);
  CAF_CHECK_NOT_EQUAL(host.error().find("useradd --system"), std::string::npos);
  opts.user = "root";
  CAF_CHECK(!setup_host(opts));
  opts.user = "kagent-sandbox";
  auto good = setup_host(opts);
  CAF_REQUIRE(good);
  CAF_CHECK(good->user.change);
  CAF_CHECK_NOT_EQUAL(good->user.uid, 0u);
  teardown_host(*good);
}

CAF_TEST(unknown settings are refused) {
  options opts;
  opts.mode = "docker";
  CAF_CHECK(!setup_host(opts));
  opts.mode = "bwrap";
  opts.cgroup = "sometimes";
  CAF_CHECK(!setup_host(opts));
}

CAF_TEST(host description names the user and the bounds or warns without a cgroup) {
  options opts;
  host_setup host;
  host.user = {true, 999, 995, "kagent-sandbox"};
  host.cgroups = cgroup_root{cgroup_version::v1, "/m/kagent.1", "/p/kagent.1"};
  auto line = host.describe(opts);
  CAF_CHECK_NOT_EQUAL(line.find("uid 999 (kagent-sandbox)"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(line.find("512 tasks per stage"), std::string::npos);
  host.cgroups.reset();
  host.cgroup_problem = "no cgroup here";
  CAF_CHECK_NOT_EQUAL(host.describe(opts).find("WARNING no cgroup"), std::string::npos);
}
