#define CAF_SUITE sources.unpack
#include "caf/test/dsl.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "sources/download_cache.hpp"
#include "sources/unpack.hpp"

using namespace kagent;
using namespace kagent::sources;

namespace {

struct member {
  member(std::string n, std::string c, unsigned t = AE_IFREG, std::string l = {})
    : name(std::move(n)), content(std::move(c)), type(t), link(std::move(l)) {}
  std::string name;
  std::string content;
  unsigned type;
  std::string link;  ///< symlink target or hardlink source
};

// Writes a zip with `members` to `path`.
void write_zip(const std::string& path, const std::vector<member>& members) {
  auto* a = archive_write_new();
  archive_write_set_format_zip(a);
  archive_write_open_filename(a, path.c_str());
  for (auto& m : members) {
    auto* e = archive_entry_new();
    archive_entry_set_pathname(e, m.name.c_str());
    archive_entry_set_filetype(e, m.type);
    archive_entry_set_perm(e, 0777);  // unpack must not keep these
    if (m.type == AE_IFLNK)
      archive_entry_set_symlink(e, m.link.c_str());
    else if (!m.link.empty())
      archive_entry_set_hardlink(e, m.link.c_str());
    archive_entry_set_size(e, m.type == AE_IFREG ? static_cast<la_int64_t>(m.content.size()) : 0);
    archive_write_header(a, e);
    if (m.type == AE_IFREG)
      archive_write_data(a, m.content.data(), m.content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

std::string slurp(const std::string& path) {
  std::ifstream in{path};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct fixture {
  std::string root, dest, zip;
  std::atomic<bool> abort{false};
  unpack_limits limits;
  fixture() {
    char tmpl[] = "/tmp/kagent-unpack-test-XXXXXX";
    root = mkdtemp(tmpl);
    dest = root + "/out";
    zip = root + "/a.zip";
    mkdir(dest.c_str(), 0755);
  }
  ~fixture() { remove_tree(root); }
  caf::expected<unpack_stats> unpack(const std::vector<member>& members) {
    write_zip(zip, members);
    return unpack_zip(zip, dest, limits, abort);
  }
  bool exists(const std::string& rel) const {
    struct stat st;
    return lstat((root + "/" + rel).c_str(), &st) == 0;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(unpack_tests, fixture)

CAF_TEST(files and directories are unpacked readable by everyone) {
  auto r = unpack({{"train.csv", "id,y\n1,0\n"}, {"images/", "", AE_IFDIR}, {"images/a.txt", "A"},
                   {"deep/er/b.txt", "B"}});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->files, 3);
  CAF_CHECK_EQUAL(r->bytes, 11);
  CAF_CHECK_EQUAL(slurp(dest + "/train.csv"), "id,y\n1,0\n");
  CAF_CHECK_EQUAL(slurp(dest + "/deep/er/b.txt"), "B");
  struct stat st;
  CAF_REQUIRE_EQUAL(stat((dest + "/train.csv").c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 07777, 0644u);
  CAF_REQUIRE_EQUAL(stat((dest + "/images").c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 07777, 0755u);
}

CAF_TEST(a symlink refuses the archive) {
  auto r = unpack({{"train.csv", "x"}, {"evil", "", AE_IFLNK, "/etc"}, {"evil/passwd", "y"}});
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(code_of(r.error()), errc::invalid_input);
  CAF_CHECK(detail_of(r.error()).find("'evil' is a link") != std::string::npos);
  CAF_CHECK(!exists("out/evil"));
}

// Zip has no hard links (libarchive's zip writer stores the entry as an empty
// file, its reader never reports one); unpack.cpp refuses them anyway should
// another format be enabled. What must hold for a zip: no second name for a file.
CAF_TEST(a hardlink entry cannot link to another file) {
  auto r = unpack({{"train.csv", "x"}, {"copy.csv", "", AE_IFREG, "train.csv"}});
  struct stat st;
  CAF_REQUIRE_EQUAL(stat((dest + "/train.csv").c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_nlink, 1u);
  CAF_CHECK_EQUAL(slurp(dest + "/train.csv"), "x");
  if (r)
    CAF_CHECK_EQUAL(slurp(dest + "/copy.csv"), "");
}

CAF_TEST(a path escape refuses the archive before anything is written outside) {
  auto r = unpack({{"../escaped.csv", "x"}});
  CAF_REQUIRE(!r);
  CAF_CHECK(detail_of(r.error()).find("escapes the directory") != std::string::npos);
  CAF_CHECK(!exists("escaped.csv"));
  r = unpack({{"/tmp/kagent-absolute-escape", "x"}});
  CAF_REQUIRE(!r);
  CAF_CHECK(detail_of(r.error()).find("absolute path") != std::string::npos);
}

CAF_TEST(a second entry of one name refuses the archive) {
  auto r = unpack({{"train.csv", "x"}, {"train.csv", "y"}});
  CAF_REQUIRE(!r);
  CAF_CHECK(detail_of(r.error()).find("appears twice") != std::string::npos);
}

CAF_TEST(a zip bomb is stopped by the ratio of bytes written) {
  limits.ratio_floor_bytes = 1 << 16;
  limits.max_ratio = 50;
  auto r = unpack({{"zeros.csv", std::string(4 << 20, '0')}});
  CAF_REQUIRE(!r);
  CAF_CHECK(detail_of(r.error()).find("zip bomb") != std::string::npos);
}

CAF_TEST(the total limit stops an archive that is too large) {
  limits.max_unpacked_bytes = 1000;
  auto r = unpack({{"a.csv", std::string(600, 'a')}, {"b.csv", std::string(600, 'b')}});
  CAF_REQUIRE(!r);
  CAF_CHECK(detail_of(r.error()).find("--max-unpacked-bytes") != std::string::npos);
}

CAF_TEST(too many entries refuse the archive) {
  limits.max_entries = 2;
  auto r = unpack({{"a", "1"}, {"b", "2"}, {"c", "3"}});
  CAF_REQUIRE(!r);
  CAF_CHECK(detail_of(r.error()).find("one entry too many") != std::string::npos);
}

CAF_TEST(a file that is no zip is an upstream failure) {
  std::ofstream{zip} << "<html>not a zip</html>";
  auto r = unpack_zip(zip, dest, limits, abort);
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(code_of(r.error()), errc::upstream_failed);
}

CAF_TEST(an abort stops the unpack) {
  abort = true;
  auto r = unpack({{"a", "1"}});
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(code_of(r.error()), errc::cancelled);
}

CAF_TEST_FIXTURE_SCOPE_END()
