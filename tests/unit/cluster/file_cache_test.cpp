#define CAF_SUITE cluster.file_cache
#include "caf/test/dsl.hpp"

#include "cluster/file_cache.hpp"
#include "cluster/manifest.hpp"
#include "core/sha256.hpp"
#include "temp_dir.hpp"

using namespace kagent;
using namespace kagent::cluster;
using namespace kagent::cluster::testing;

namespace {

file_entry entry_of(std::string path, const std::string& content) {
  return {std::move(path), static_cast<int64_t>(content.size()), sha256_hex(content)};
}

competition_manifest manifest_of(std::vector<file_entry> files) {
  competition_manifest m;
  m.files = std::move(files);
  m.key = manifest_key(m.files);
  return m;
}

file_chunk chunk_of(const std::string& content, size_t offset, size_t n) {
  return {static_cast<int64_t>(offset), static_cast<int64_t>(content.size()),
          content.substr(offset, n)};
}

/// Sends all of `content` in chunks of `n` bytes; the last receive() result.
result<bool> send_all(file_cache& cache, const file_entry& f, const std::string& content,
                      size_t n) {
  result<bool> r{false};
  size_t offset = 0;
  do {
    r = cache.receive(f, chunk_of(content, offset, n));
    offset += n;
  } while (r && !*r && offset < content.size());
  return r;
}

struct fixture {
  temp_dir tmp;
  file_cache cache{tmp.path + "/cache"};
  std::string train = pattern(3000, 1);
  std::string desc = "# Demo\n";
  file_entry train_entry = entry_of("data/train.csv", train);
  file_entry desc_entry = entry_of("description.md", desc);

  fixture() {
    auto ok = cache.open();
    CAF_REQUIRE(ok);
  }

  std::string blob(const file_entry& f) { return cache.root() + "/blobs/" + f.sha256; }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(file_cache_tests, fixture)

CAF_TEST(is_safe_relative_path takes plain relative paths only) {
  CAF_CHECK(is_safe_relative_path("description.md"));
  CAF_CHECK(is_safe_relative_path("data/a/b.csv"));
  CAF_CHECK(is_safe_relative_path("data/.hidden"));
  std::vector<std::string> accepted;
  for (auto p : {"../x", "data/../x", "/abs", "a//b", ".", "./a", "a/.", "data/", "", "a/.."})
    if (is_safe_relative_path(p))
      accepted.emplace_back(p);
  CAF_CHECK_EQUAL(accepted, std::vector<std::string>{});
  CAF_CHECK(!is_safe_relative_path(std::string("a\0b", 3)));
}

CAF_TEST(check_manifest refuses unsafe paths and malformed hashes) {
  auto good = manifest_of({train_entry, desc_entry});
  CAF_CHECK_EQUAL(check_manifest(good), "");
  for (auto p : {"../x", "/abs", "a//b", "."}) {
    auto m = good;
    m.files[0].path = p;
    CAF_CHECK_NOT_EQUAL(check_manifest(m), "");
  }
  auto upper = good;
  for (auto& c : upper.files[0].sha256)
    c = static_cast<char>(std::toupper(c));
  CAF_CHECK_NOT_EQUAL(check_manifest(upper), "");
  auto short_hash = good;
  short_hash.files[0].sha256.pop_back();
  CAF_CHECK_NOT_EQUAL(check_manifest(short_hash), "");
  auto not_hex = good;
  not_hex.files[0].sha256.replace(0, 2, "zz");
  CAF_CHECK_NOT_EQUAL(check_manifest(not_hex), "");
  auto traversal_hash = good;
  traversal_hash.files[0].sha256 = "../../../../etc/passwd";
  CAF_CHECK_NOT_EQUAL(check_manifest(traversal_hash), "");
  auto bad_key = good;
  bad_key.key = "../k";
  CAF_CHECK_NOT_EQUAL(check_manifest(bad_key), "");
  auto negative = good;
  negative.files[0].size = -1;
  CAF_CHECK_NOT_EQUAL(check_manifest(negative), "");
  CAF_CHECK(is_sha256_hex(train_entry.sha256));
  CAF_CHECK(!is_sha256_hex(""));
}

CAF_TEST(receive appends chunks in order and stores a verified blob on the last) {
  CAF_CHECK(!exists(blob(train_entry)));
  auto r = cache.receive(train_entry, chunk_of(train, 0, 1000));
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(*r, false);
  r = cache.receive(train_entry, chunk_of(train, 1000, 1000));
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(*r, false);
  CAF_CHECK(!exists(blob(train_entry)));
  r = cache.receive(train_entry, chunk_of(train, 2000, 1000));
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(*r, true);
  CAF_CHECK(read_file(blob(train_entry)) == train);
  CAF_CHECK(!exists(cache.root() + "/partial/" + train_entry.sha256));
  CAF_CHECK_EQUAL(cache.stored_bytes(), 3000);
}

CAF_TEST(receive refuses a chunk that does not start where the partial file ends) {
  CAF_REQUIRE(cache.receive(train_entry, chunk_of(train, 0, 1000)));
  auto skipped = cache.receive(train_entry, chunk_of(train, 2000, 1000));
  CAF_CHECK(!skipped);
  auto repeated = cache.receive(train_entry, chunk_of(train, 500, 1000));
  CAF_CHECK(!repeated);
  // the partial file is still good to continue from where it ends
  CAF_REQUIRE(cache.receive(train_entry, chunk_of(train, 1000, 1000)));
  auto done = cache.receive(train_entry, chunk_of(train, 2000, 1000));
  CAF_REQUIRE(done);
  CAF_CHECK_EQUAL(*done, true);
  CAF_CHECK(read_file(blob(train_entry)) == train);
}

CAF_TEST(receive refuses a chunk whose total differs from the entry size) {
  auto c = chunk_of(train, 0, 1000);
  c.total = 4000;
  CAF_CHECK(!cache.receive(train_entry, c));
  auto too_long = chunk_of(train + "xx", 2000, 1002);
  too_long.total = train_entry.size;
  CAF_CHECK(!cache.receive(train_entry, too_long));
  auto negative = chunk_of(train, 0, 10);
  negative.offset = -1;
  CAF_CHECK(!cache.receive(train_entry, negative));
  CAF_CHECK(!exists(blob(train_entry)));
}

CAF_TEST(receive fails on a corrupted chunk and stores no blob) {
  CAF_REQUIRE(cache.receive(train_entry, chunk_of(train, 0, 1500)));
  auto bad = chunk_of(train, 1500, 1500);
  bad.data[100] = static_cast<char>(bad.data[100] ^ 0x01);
  auto r = cache.receive(train_entry, bad);
  CAF_CHECK(!r);
  CAF_CHECK(!exists(blob(train_entry)));
  CAF_CHECK(!exists(cache.root() + "/partial/" + train_entry.sha256));
  CAF_CHECK_EQUAL(cache.missing(manifest_of({train_entry})).size(), 1u);
  CAF_CHECK_EQUAL(cache.stored_bytes(), 0);
}

CAF_TEST(missing lists only the files without a blob) {
  auto m = manifest_of({train_entry, desc_entry});
  auto before = cache.missing(m);
  CAF_CHECK_EQUAL(before.size(), 2u);
  auto r = send_all(cache, desc_entry, desc, 4);
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(*r, true);
  auto after = cache.missing(m);
  CAF_REQUIRE_EQUAL(after.size(), 1u);
  CAF_CHECK_EQUAL(after[0].path, "data/train.csv");
  CAF_REQUIRE(send_all(cache, train_entry, train, 1024));
  CAF_CHECK(cache.missing(m).empty());
}

CAF_TEST(view lays out data and description with their content) {
  auto nested = pattern(10, 3);
  auto nested_entry = entry_of("data/sub/test.csv", nested);
  auto m = manifest_of({train_entry, nested_entry, desc_entry});
  CAF_REQUIRE(send_all(cache, train_entry, train, 1024));
  CAF_REQUIRE(send_all(cache, nested_entry, nested, 1024));
  CAF_REQUIRE(send_all(cache, desc_entry, desc, 1024));
  auto dir = cache.view(m);
  CAF_REQUIRE(dir);
  CAF_CHECK_EQUAL(*dir, cache.root() + "/views/" + m.key);
  CAF_CHECK(read_file(*dir + "/data/train.csv") == train);
  CAF_CHECK(read_file(*dir + "/data/sub/test.csv") == nested);
  CAF_CHECK_EQUAL(read_file(*dir + "/description.md"), desc);
}

CAF_TEST(view reuses the folder of a key and makes a new one for a new key) {
  auto m = manifest_of({train_entry, desc_entry});
  CAF_REQUIRE(send_all(cache, train_entry, train, 1024));
  CAF_REQUIRE(send_all(cache, desc_entry, desc, 1024));
  auto first = cache.view(m);
  CAF_REQUIRE(first);
  // a marker left in the folder survives a second view: it was not rebuilt
  write_file(*first + "/marker", "x");
  auto again = cache.view(m);
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(*again, *first);
  CAF_CHECK(exists(*first + "/marker"));
  // the head's train.csv changed: a new key and a new view with the new content
  auto train2 = pattern(2000, 9);
  auto train2_entry = entry_of("data/train.csv", train2);
  auto m2 = manifest_of({train2_entry, desc_entry});
  CAF_REQUIRE_NOT_EQUAL(m2.key, m.key);
  CAF_CHECK_EQUAL(cache.missing(m2).size(), 1u);  // description.md is reused
  CAF_REQUIRE(send_all(cache, train2_entry, train2, 1024));
  auto second = cache.view(m2);
  CAF_REQUIRE(second);
  CAF_CHECK_NOT_EQUAL(*second, *first);
  CAF_CHECK(read_file(*second + "/data/train.csv") == train2);
  CAF_CHECK(read_file(*first + "/data/train.csv") == train);
}

CAF_TEST(view refuses an unsafe manifest) {
  auto m = manifest_of({train_entry});
  m.files[0].path = "../escape";
  m.key = manifest_key(m.files);
  CAF_CHECK(!cache.view(m));
  CAF_CHECK(!exists(tmp.path + "/cache/views/escape"));
}

CAF_TEST_FIXTURE_SCOPE_END()
