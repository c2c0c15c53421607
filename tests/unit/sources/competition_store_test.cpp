#define CAF_SUITE sources.competition_store
#include "caf/test/dsl.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"
#include "sources/competition_store.hpp"
#include "sources/download_cache.hpp"

using namespace kagent;
using namespace kagent::sources;

namespace {

using log_t = std::vector<std::string>;

// A job stand-in: asks the store once, records the answer and every progress message.
caf::behavior client(caf::event_based_actor* self, competition_store_actor store,
                     std::string slug, log_t* log) {
  self->request(store, caf::infinite, fetch_atom::value, slug, caf::actor{self})
    .then([=](competition_files& f) { log->push_back("files " + f.origin + " " + f.data_dir); },
          [=](caf::error& e) { log->push_back("error " + detail_of(e)); });
  return {[=](fetch_progress_atom, const std::string&, int64_t done, int64_t total) {
    log->push_back("progress " + std::to_string(done) + "/" + std::to_string(total));
  }};
}

// A job stand-in whose question is sent for it (send_as): it gets the store's
// answer as a plain message.
caf::behavior listener(caf::event_based_actor*, log_t* log) {
  return {
    [=](fetch_progress_atom, const std::string&, int64_t done, int64_t total) {
      log->push_back("progress " + std::to_string(done) + "/" + std::to_string(total));
    },
    [=](competition_files& f) { log->push_back("files " + f.origin + " " + f.data_dir); },
    [=](caf::error& e) { log->push_back("error " + detail_of(e)); },
  };
}

struct fixture : test_coordinator_fixture<> {
  std::string root;
  int fetches = 0;
  caf::error fail_with;  ///< set: the fake remote fails
  std::function<void()> mid_fetch;  ///< set: runs between the two progress reports
  bool publish = true;  ///< false: the entry is answered but not created in the cache
  log_t a, b, c;

  fixture() {
    char tmpl[] = "/tmp/kagent-store-test-XXXXXX";
    root = mkdtemp(tmpl);
    for (auto d : {"/m1", "/m2", "/m2/both", "/m1/both", "/m2/second", "/cache", "/cache/cached",
                   "/cache/cached/public"})
      mkdir((root + d).c_str(), 0755);
  }
  ~fixture() { remove_tree(root); }

  // The remote source: counts calls, reports progress, then publishes an entry.
  fetch_function remote() {
    return [this](const std::string& slug, const progress_fn& progress,
                  const std::atomic<bool>&) -> caf::expected<mirror_entry> {
      ++fetches;
      progress(50, 100);
      if (mid_fetch)
        mid_fetch();
      progress(100, 100);
      if (fail_with)
        return fail_with;
      if (!publish)
        return mirror_entry{root + "/cache/" + slug, root + "/cache/" + slug + "/public", ""};
      mkdir((root + "/cache/" + slug).c_str(), 0755);
      mkdir((root + "/cache/" + slug + "/public").c_str(), 0755);
      return *find_in_mirror(root + "/cache", slug);
    };
  }

  competition_store_actor store(bool with_remote) {
    return spawn_competition_store(
      sys, competition_store_options{{root + "/m1", root + "/m2"}, root + "/cache",
                                     with_remote ? remote() : fetch_function{}, false, {}});
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(competition_store_tests, fixture)

CAF_TEST(the first mirror holding the slug wins over later mirrors and the cache) {
  auto s = store(true);
  sys.spawn(client, s, std::string{"both"}, &a);
  sys.spawn(client, s, std::string{"second"}, &b);
  sys.spawn(client, s, std::string{"cached"}, &c);
  sched.run();
  CAF_CHECK_EQUAL(a, log_t{"files mirror " + root + "/m1/both"});
  CAF_CHECK_EQUAL(b, log_t{"files mirror " + root + "/m2/second"});
  CAF_CHECK_EQUAL(c, log_t{"files cache " + root + "/cache/cached/public"});
  CAF_CHECK_EQUAL(fetches, 0);
}

CAF_TEST(without a remote source an unknown slug fails naming the mirrors) {
  auto s = store(false);
  sys.spawn(client, s, std::string{"nowhere"}, &a);
  sched.run();
  CAF_CHECK_EQUAL(a, log_t{"error competition 'nowhere' is not in the local mirrors (" + root
                           + "/m1, " + root + "/m2) and no Kaggle API credentials are configured"});
}

CAF_TEST(jobs asking for one slug at once share one fetch and its progress) {
  auto s = store(true);
  sys.spawn(client, s, std::string{"fresh"}, &a);
  sys.spawn(client, s, std::string{"fresh"}, &b);
  sched.run();
  CAF_CHECK_EQUAL(fetches, 1);
  log_t want{"progress 50/100", "progress 100/100", "files kaggle " + root + "/cache/fresh/public"};
  CAF_CHECK_EQUAL(a, want);
  CAF_CHECK_EQUAL(b, want);
  // Afterwards the slug is a cache entry: no second fetch.
  sys.spawn(client, s, std::string{"fresh"}, &c);
  sched.run();
  CAF_CHECK_EQUAL(c, log_t{"files cache " + root + "/cache/fresh/public"});
  CAF_CHECK_EQUAL(fetches, 1);
}

CAF_TEST(a failed fetch fails every waiting job naming every source and is tried anew later) {
  fail_with = make_error(errc::upstream_failed, "403 - Forbidden - rules");
  auto s = store(true);
  sys.spawn(client, s, std::string{"locked"}, &a);
  sys.spawn(client, s, std::string{"locked"}, &b);
  sched.run();
  CAF_CHECK_EQUAL(fetches, 1);
  auto want = "error competition 'locked' could not be fetched from the Kaggle API: 403 - "
              "Forbidden - rules. It is not in the local mirrors ("
              + root + "/m1, " + root + "/m2) or the download cache (" + root + "/cache) either.";
  CAF_REQUIRE_EQUAL(a.size(), 3u);
  CAF_CHECK_EQUAL(a.back(), want);
  CAF_CHECK_EQUAL(b.back(), want);
  fail_with = caf::error{};
  sys.spawn(client, s, std::string{"locked"}, &c);
  sched.run();
  CAF_CHECK_EQUAL(fetches, 2);
  CAF_CHECK_EQUAL(c.back(), "files kaggle " + root + "/cache/locked/public");
}

CAF_TEST(a job joining a running fetch sees its progress at once) {
  // The worker runs in the scheduler's thread here, and a spawned actor only
  // starts once that thread is free again; so b's question is sent for it from
  // inside the fetch. It reaches the store after the first progress report
  // and before the second one and the worker's answer. The store reads b's
  // question only after the fetch returned, so the fake publishes nothing
  // (else b would rightly be answered from the cache).
  publish = false;
  auto s = store(true);
  auto late = sys.spawn(listener, &b);
  mid_fetch = [&] { caf::send_as(late, s, fetch_atom::value, std::string{"late"}, late); };
  sys.spawn(client, s, std::string{"late"}, &a);
  sched.run();
  CAF_CHECK_EQUAL(fetches, 1);
  CAF_CHECK_EQUAL(a, (log_t{"progress 50/100", "progress 100/100",
                            "files kaggle " + root + "/cache/late/public"}));
  // The first report reached b only from what the store remembered of it.
  CAF_CHECK_EQUAL(b, (log_t{"progress 50/100", "progress 100/100",
                            "files kaggle " + root + "/cache/late/public"}));
}

CAF_TEST(a slug that is not one is refused before any lookup) {
  auto s = store(true);
  sys.spawn(client, s, std::string{"../etc"}, &a);
  sched.run();
  CAF_CHECK_EQUAL(a, log_t{"error not a competition slug: '../etc'"});
  CAF_CHECK_EQUAL(fetches, 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
