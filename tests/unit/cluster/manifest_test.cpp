#define CAF_SUITE cluster.manifest
#include "caf/test/dsl.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>

#include "cluster/manifest.hpp"
#include "core/sha256.hpp"
#include "temp_dir.hpp"

using namespace kagent;
using namespace kagent::cluster;
using namespace kagent::cluster::testing;

namespace {

std::map<std::string, file_entry> by_path(const competition_manifest& m) {
  std::map<std::string, file_entry> out;
  for (auto& f : m.files)
    out[f.path] = f;
  return out;
}

/// Moves a file's mtime one second on: a change that an equal size and a
/// coarse clock would otherwise hide from (size, mtime) caching.
void touch_later(const std::string& path) {
  struct stat st{};
  ::stat(path.c_str(), &st);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  times[1].tv_sec += 1;
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

struct fixture {
  temp_dir tmp;
  std::string data = tmp.path + "/public";
  std::string desc = tmp.path + "/description.md";
  std::string big = pattern(static_cast<size_t>(chunk_bytes) + 1000, 7);
  manifest_builder builder;

  fixture() {
    write_file(data + "/train.csv", "id,y\n1,0\n2,1\n");
    write_file(data + "/sub/deeper/test.csv", "id\n3\n");
    write_file(data + "/big.bin", big);
    write_file(desc, "# Demo\n");
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(manifest_tests, fixture)

CAF_TEST(build lists every data file recursively and the description with size and hash) {
  auto m = builder.build(data, desc);
  CAF_REQUIRE(m);
  auto files = by_path(*m);
  CAF_CHECK_EQUAL(m->files.size(), 4u);
  CAF_REQUIRE_EQUAL(files.count("data/train.csv"), 1u);
  CAF_REQUIRE_EQUAL(files.count("data/sub/deeper/test.csv"), 1u);
  CAF_REQUIRE_EQUAL(files.count("data/big.bin"), 1u);
  CAF_REQUIRE_EQUAL(files.count("description.md"), 1u);
  CAF_CHECK_EQUAL(files["data/train.csv"].size, 13);
  CAF_CHECK_EQUAL(files["data/train.csv"].sha256, sha256_hex("id,y\n1,0\n2,1\n"));
  CAF_CHECK_EQUAL(files["data/sub/deeper/test.csv"].sha256, sha256_hex("id\n3\n"));
  CAF_CHECK_EQUAL(files["data/big.bin"].size, static_cast<int64_t>(big.size()));
  CAF_CHECK_EQUAL(files["data/big.bin"].sha256, sha256_hex(big));
  CAF_CHECK_EQUAL(files["description.md"].sha256, sha256_hex("# Demo\n"));
  CAF_CHECK_EQUAL(m->key, manifest_key(m->files));
  CAF_CHECK_EQUAL(m->key.size(), 64u);
}

CAF_TEST(build without a description lists only the data files) {
  auto m = builder.build(data, "");
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(m->files.size(), 3u);
  CAF_CHECK_EQUAL(by_path(*m).count("description.md"), 0u);
  CAF_CHECK(!builder.build(tmp.path + "/nowhere", ""));
}

CAF_TEST(the manifest key stays when nothing changed and changes with a file) {
  auto first = builder.build(data, desc);
  auto again = builder.build(data, desc);
  CAF_REQUIRE(first && again);
  CAF_CHECK_EQUAL(first->key, again->key);
  // a fresh builder (nothing cached) agrees
  manifest_builder fresh;
  auto other = fresh.build(data, desc);
  CAF_REQUIRE(other);
  CAF_CHECK_EQUAL(other->key, first->key);
  // same size, other content
  write_file(data + "/train.csv", "id,y\n1,1\n2,0\n");
  touch_later(data + "/train.csv");
  auto changed = builder.build(data, desc);
  CAF_REQUIRE(changed);
  CAF_CHECK_NOT_EQUAL(changed->key, first->key);
  auto changed_files = by_path(*changed);
  CAF_CHECK_EQUAL(changed_files["data/train.csv"].sha256, sha256_hex("id,y\n1,1\n2,0\n"));
  // other size
  write_file(desc, "# Demo, longer\n");
  auto longer = builder.build(data, desc);
  CAF_REQUIRE(longer);
  CAF_CHECK_NOT_EQUAL(longer->key, changed->key);
}

CAF_TEST(read_chunk returns at most chunk_bytes from the offset with the total) {
  auto m = builder.build(data, desc);
  CAF_REQUIRE(m);
  auto sha = by_path(*m)["data/big.bin"].sha256;
  auto total = static_cast<int64_t>(big.size());
  auto c = builder.read_chunk(sha, 0);
  CAF_REQUIRE(c);
  CAF_CHECK_EQUAL(c->offset, 0);
  CAF_CHECK_EQUAL(c->total, total);
  CAF_CHECK_EQUAL(static_cast<int64_t>(c->data.size()), chunk_bytes);
  CAF_CHECK(c->data == big.substr(0, static_cast<size_t>(chunk_bytes)));
  c = builder.read_chunk(sha, chunk_bytes);
  CAF_REQUIRE(c);
  CAF_CHECK_EQUAL(c->offset, chunk_bytes);
  CAF_CHECK_EQUAL(c->total, total);
  CAF_CHECK_EQUAL(c->data.size(), 1000u);
  CAF_CHECK(c->data == big.substr(static_cast<size_t>(chunk_bytes)));
  c = builder.read_chunk(sha, 10);  // any offset, not only chunk boundaries
  CAF_REQUIRE(c);
  CAF_CHECK(c->data == big.substr(10, static_cast<size_t>(chunk_bytes)));
  c = builder.read_chunk(sha, total);  // the end: nothing more
  CAF_REQUIRE(c);
  CAF_CHECK_EQUAL(c->data.size(), 0u);
  auto small = builder.read_chunk(sha256_hex("id\n3\n"), 0);
  CAF_REQUIRE(small);
  CAF_CHECK_EQUAL(small->data, "id\n3\n");
  CAF_CHECK_EQUAL(small->total, 5);
}

CAF_TEST(read_chunk refuses a hash no manifest listed) {
  auto m = builder.build(data, desc);
  CAF_REQUIRE(m);
  CAF_CHECK(!builder.read_chunk(sha256_hex("not a file here"), 0));
  CAF_CHECK(!builder.read_chunk("../../etc/passwd", 0));
}

CAF_TEST(read_chunk refuses a file that changed after the manifest was built) {
  auto m = builder.build(data, desc);
  CAF_REQUIRE(m);
  auto sha = by_path(*m)["data/big.bin"].sha256;
  CAF_REQUIRE(builder.read_chunk(sha, 0));
  write_file(data + "/big.bin", big + "more");
  auto c = builder.read_chunk(sha, chunk_bytes);
  CAF_CHECK(!c);
  CAF_CHECK_NOT_EQUAL(c.error().find("changed"), std::string::npos);
}

CAF_TEST(read_chunk refuses the old hash of a file that changed and was listed again) {
  auto m = builder.build(data, desc);
  CAF_REQUIRE(m);
  auto old_sha = by_path(*m)["data/train.csv"].sha256;
  write_file(data + "/train.csv", "id,y\n1,0\n2,1\n3,1\n");
  auto m2 = builder.build(data, desc);  // another job lists the files again
  CAF_REQUIRE(m2);
  auto new_sha = by_path(*m2)["data/train.csv"].sha256;
  CAF_REQUIRE_NOT_EQUAL(new_sha, old_sha);
  // The new content must not be served under the old hash: a worker still
  // fetching the old manifest would get a file that is not what it asked for.
  auto c = builder.read_chunk(old_sha, 0);
  CAF_CHECK(!c);
  auto n = builder.read_chunk(new_sha, 0);
  CAF_REQUIRE(n);
  CAF_CHECK_EQUAL(n->data, "id,y\n1,0\n2,1\n3,1\n");
}

CAF_TEST_FIXTURE_SCOPE_END()
