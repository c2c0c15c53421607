#define CAF_SUITE cluster.transfer
#include "caf/test/dsl.hpp"

#include <caf/all.hpp>

#include "cluster/file_cache.hpp"
#include "cluster/file_server.hpp"
#include "core/sha256.hpp"
#include "temp_dir.hpp"

using namespace kagent;
using namespace kagent::cluster;
using namespace kagent::cluster::testing;

namespace {

constexpr auto timeout = std::chrono::seconds(30);

} // namespace

// The file server is detached (it blocks on files), so this runs on a real
// actor system; every request has a timeout and none is expected to hit it.
CAF_TEST(a 2.5 MiB file arrives in chunks of at most chunk_bytes and equals its source) {
  temp_dir tmp;
  auto big = pattern(static_cast<size_t>(chunk_bytes) * 5 / 2, 11);
  write_file(tmp.path + "/public/big.bin", big);
  write_file(tmp.path + "/public/small.csv", "a,b\n1,2\n");
  write_file(tmp.path + "/description.md", "# Demo\n");
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  {
    auto files = spawn_file_server(sys);
    caf::scoped_actor self{sys};
    competition_manifest m;
    self->request(files, timeout, get_atom::value, tmp.path + "/public",
                  tmp.path + "/description.md")
      .receive([&](competition_manifest& x) { m = std::move(x); },
               [&](caf::error& err) { CAF_FAIL("manifest: " << sys.render(err)); });
    CAF_REQUIRE_EQUAL(m.files.size(), 3u);
    CAF_CHECK_EQUAL(check_manifest(m), "");
    file_cache cache{tmp.path + "/worker-cache"};
    CAF_REQUIRE(cache.open());
    CAF_REQUIRE_EQUAL(cache.missing(m).size(), 3u);
    // As worker_node::fetch_from does: one chunk at a time, from where the last ended.
    size_t chunks = 0;
    int64_t largest = 0;
    for (auto& f : cache.missing(m)) {
      int64_t offset = 0;
      bool done = false;
      while (!done) {
        file_chunk c;
        self->request(files, timeout, chunk_atom::value, f.sha256, offset)
          .receive([&](file_chunk& x) { c = std::move(x); },
                   [&](caf::error& err) { CAF_FAIL("chunk: " << sys.render(err)); });
        ++chunks;
        largest = std::max(largest, static_cast<int64_t>(c.data.size()));
        CAF_REQUIRE_EQUAL(c.offset, offset);
        CAF_REQUIRE_EQUAL(c.total, f.size);
        auto r = cache.receive(f, c);
        if (!r)
          CAF_FAIL("receive: " << r.error());
        done = *r;
        offset += static_cast<int64_t>(c.data.size());
        CAF_REQUIRE_LESS(chunks, 100u);  // no endless loop on a server that sends nothing
      }
    }
    CAF_CHECK_EQUAL(chunks, 5u);  // 3 for big.bin (1 + 1 + 0.5 MiB), 1 each for the others
    CAF_CHECK_LESS_OR_EQUAL(largest, chunk_bytes);
    CAF_CHECK_EQUAL(largest, chunk_bytes);
    CAF_CHECK(cache.missing(m).empty());
    std::string big_sha = sha256_hex(big);
    CAF_CHECK(read_file(cache.root() + "/blobs/" + big_sha) == big);
    auto view = cache.view(m);
    CAF_REQUIRE(view);
    CAF_CHECK(read_file(*view + "/data/big.bin") == big);
    CAF_CHECK_EQUAL(read_file(*view + "/data/small.csv"), "a,b\n1,2\n");
    // A hash the server never listed is refused with an error, not a chunk.
    bool refused = false;
    self->request(files, timeout, chunk_atom::value, sha256_hex("nothing"), int64_t{0})
      .receive([&](file_chunk&) {}, [&](caf::error&) { refused = true; });
    CAF_CHECK(refused);
    self->send_exit(files, caf::exit_reason::user_shutdown);
  }
}
