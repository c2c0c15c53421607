#define CAF_SUITE sandbox.job_dir
#include "caf/test/dsl.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sandbox/job_dir.hpp"

using namespace kagent::sandbox;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct fixture {
  fs::path root;
  unique_fd dir;

  fixture() {
    char tmpl[] = "/tmp/kagent-jobdir-XXXXXX";
    root = ::mkdtemp(tmpl);
    fs::create_directories(root / "job");
    std::ofstream{root / "host-secret"} << "TOPSECRET\n";
    dir.reset(::open((root / "job").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  }
  ~fixture() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  std::string read_error(const std::string& name, int64_t max = 1 << 20) {
    auto r = read_output(dir.get(), name, max);
    return r ? std::string{"<read>"} : r.error();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(job_dir_tests, fixture)

CAF_TEST(a regular output is read and a missing one is just absent) {
  std::ofstream{root / "job" / "submission.csv"} << "id,y\n1,0\n";
  auto r = read_output(dir.get(), "submission.csv", 100);
  CAF_REQUIRE(r);
  CAF_REQUIRE(r->has_value());
  CAF_CHECK_EQUAL(**r, "id,y\n1,0\n");
  auto missing = read_output(dir.get(), "metrics.json", 100);
  CAF_REQUIRE(missing);
  CAF_CHECK(!missing->has_value());
}

CAF_TEST(outputs that are links or special files are refused by name) {
  fs::create_symlink(root / "host-secret", root / "job" / "abs.csv");
  fs::create_symlink("../host-secret", root / "job" / "rel.csv");
  fs::create_directory(root / "job" / "dir.csv");
  CAF_REQUIRE_EQUAL(::mkfifo((root / "job" / "fifo.csv").c_str(), 0644), 0);
  std::ofstream{root / "job" / "a"} << "x";
  fs::create_hard_link(root / "job" / "a", root / "job" / "hard.csv");
  CAF_CHECK_EQUAL(read_error("abs.csv"), "output abs.csv is a symbolic link; refused");
  CAF_CHECK_EQUAL(read_error("rel.csv"), "output rel.csv is a symbolic link; refused");
  CAF_CHECK_EQUAL(read_error("dir.csv"), "output dir.csv is a directory; refused");
  CAF_CHECK_EQUAL(read_error("fifo.csv"), "output fifo.csv is a FIFO; refused"); // no hang
  CAF_CHECK_EQUAL(read_error("hard.csv"), "output hard.csv has 2 hard links; refused");
  CAF_CHECK_EQUAL(read_error("../host-secret"), "output '../host-secret' is not a plain file "
                                                "name; refused");
}

CAF_TEST(an output larger than the bound is refused with both sizes) {
  std::ofstream{root / "job" / "big.csv"} << std::string(101, 'x');
  CAF_CHECK_EQUAL(read_error("big.csv", 100),
                  "output big.csv is 101 bytes, more than the 100 allowed");
  CAF_CHECK_EQUAL(read_error("big.csv", 101), "<read>");
}

CAF_TEST(restoring a file replaces a planted link and never writes through it) {
  fs::create_symlink(root / "host-secret", root / "job" / "plan.json");
  auto r = write_file(dir.get(), "plan.json", "{\"plan\":1}");
  CAF_REQUIRE_EQUAL(r ? std::string{} : r.error(), "");
  CAF_CHECK_EQUAL(slurp(root / "host-secret"), "TOPSECRET\n");
  CAF_CHECK(!fs::is_symlink(root / "job" / "plan.json"));
  CAF_CHECK_EQUAL(slurp(root / "job" / "plan.json"), "{\"plan\":1}");
  // A hard link to a host file is replaced too, the host file left alone.
  std::ofstream{root / "job" / "a"} << "x";
  fs::create_hard_link(root / "job" / "a", root / "job" / "profile.json");
  CAF_CHECK(write_file(dir.get(), "profile.json", "{}"));
  CAF_CHECK_EQUAL(slurp(root / "job" / "a"), "x");
  // A directory in its place is refused, not removed.
  fs::create_directory(root / "job" / "solution.py");
  auto d = write_file(dir.get(), "solution.py", "print(1)");
  CAF_CHECK(!d);
  CAF_CHECK(fs::is_directory(root / "job" / "solution.py"));
}

CAF_TEST(logs go below the log root and refuse links on the way) {
  auto logs = (root / "logs").string();
  auto fd = open_log(logs, "job-1", "train");
  CAF_REQUIRE(fd);
  CAF_CHECK_EQUAL(::write(fd->get(), "a\n", 2), 2);
  CAF_CHECK_EQUAL(slurp(root / "logs" / "job-1" / "train.log"), "a\n");
  struct stat st {};
  CAF_REQUIRE_EQUAL(::stat(logs.c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 0777, 0700u);
  fs::remove(root / "logs" / "job-1" / "train.log");
  fs::create_symlink(root / "host-secret", root / "logs" / "job-1" / "train.log");
  CAF_CHECK(!open_log(logs, "job-1", "train"));
  fs::create_symlink(root / "job", root / "logs" / "job-2");
  CAF_CHECK(!open_log(logs, "job-2", "train"));
  CAF_CHECK(!open_log(logs, "../job", "train"));
  CAF_CHECK_EQUAL(slurp(root / "host-secret"), "TOPSECRET\n");
}

CAF_TEST(a job dir belongs to the stage user and the jobs root hides its siblings) {
  identity who;
  if (::geteuid() == 0)
    who = {true, 65534, 65534, "nobody"};
  auto jobs = (root / "jobs").string();
  auto d = make_job_dir(jobs, "j1", who);
  CAF_REQUIRE(d);
  struct stat st {};
  CAF_REQUIRE_EQUAL(::stat((root / "jobs").c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 0777, 0711u);
  CAF_REQUIRE_EQUAL(::stat((root / "jobs" / "j1").c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 0777, 0700u);
  if (who.change)
    CAF_CHECK_EQUAL(st.st_uid, who.uid);
  // A link in place of a job dir is refused.
  fs::create_symlink(root / "job", root / "jobs" / "j2");
  CAF_CHECK(!make_job_dir(jobs, "j2", who));
}

CAF_TEST(process mode links the competition through the job dir descriptor) {
  fs::create_directories(root / "comp");
  std::ofstream{root / "desc.md"} << "# desc\n";
  CAF_CHECK(link_competition(dir.get(), (root / "comp").string(), (root / "desc.md").string()));
  CAF_CHECK(link_competition(dir.get(), (root / "comp").string(), (root / "desc.md").string()));
  CAF_CHECK_EQUAL(fs::read_symlink(root / "job/.competition/data"), root / "comp");
  CAF_CHECK_EQUAL(fs::read_symlink(root / "job/.competition/description.md"), root / "desc.md");
  // A stage that turns .competition into a link gets it replaced, not followed.
  fs::remove_all(root / "job/.competition");
  fs::create_directories(root / "elsewhere");
  fs::create_directory_symlink(root / "elsewhere", root / "job/.competition");
  CAF_CHECK(link_competition(dir.get(), (root / "comp").string(), ""));
  CAF_CHECK(fs::is_empty(root / "elsewhere"));
  CAF_CHECK(!fs::is_symlink(root / "job/.competition"));
}

CAF_TEST_FIXTURE_SCOPE_END()
