#define CAF_SUITE actors.job_cache
#include "caf/test/dsl.hpp"

#include "actors/job_cache.hpp"

using namespace kagent;

namespace {

job_record job(const std::string& id, const std::string& st = status::success) {
  job_record rec;
  rec.id = id;
  rec.status = st;
  return rec;
}

} // namespace

CAF_TEST(the cache holds no more records than its capacity and drops the least recently used) {
  job_cache c{2};
  c.store(job("a"));
  c.store(job("b"));
  CAF_CHECK(c.find("a"));  // a is now the most recently used
  c.store(job("c"));
  CAF_CHECK_EQUAL(c.size(), 2u);
  CAF_CHECK(c.find("a"));
  CAF_CHECK(!c.find("b"));
  CAF_CHECK(c.find("c"));
}

CAF_TEST(a cache of capacity zero holds nothing) {
  job_cache c{0};
  c.store(job("a"));
  CAF_CHECK(!c.fill(job("b"), c.generation()));
  CAF_CHECK_EQUAL(c.size(), 0u);
  CAF_CHECK(!c.find("a"));
}

CAF_TEST(only terminal records are held and a live status removes the entry) {
  job_cache c{4};
  c.store(job("q", status::queued));
  c.store(job("r", status::running));
  CAF_CHECK_EQUAL(c.size(), 0u);
  CAF_CHECK(!c.fill(job("r", status::running), c.generation()));
  for (auto st : {status::success, status::failed, status::timeout, status::cancelled})
    c.store(job(std::string{"t-"} + st, st));
  CAF_CHECK_EQUAL(c.size(), 4u);
  c.store(job("t-failed", status::running));
  CAF_CHECK(!c.find("t-failed"));
}

CAF_TEST(a stored record replaces the older one of the same job) {
  job_cache c{4};
  auto rec = job("a");
  c.store(rec);
  rec.metadata = R"({"kaggle_submission":{}})";
  c.store(rec);
  CAF_CHECK_EQUAL(c.size(), 1u);
  auto hit = c.find("a");
  CAF_REQUIRE(hit);
  CAF_CHECK_EQUAL(hit->metadata, rec.metadata);
}

CAF_TEST(a database read older than a store is not cached) {
  job_cache c{4};
  auto gen = c.generation();  // a read of "a" starts
  auto newer = job("a");
  newer.metadata = "newer";
  c.store(newer);             // a commit lands while the read runs
  c.erase("a");               // and the entry is gone again (evicted, say)
  auto older = job("a");
  older.metadata = "older";
  CAF_CHECK(!c.fill(older, gen));
  CAF_CHECK(!c.find("a"));
  CAF_CHECK(c.fill(older, c.generation()));
  auto hit = c.find("a");
  CAF_REQUIRE(hit);
  CAF_CHECK_EQUAL(hit->metadata, "older");
}

CAF_TEST(a database read never replaces an entry) {
  job_cache c{4};
  auto rec = job("a");
  rec.metadata = "stored";
  c.store(rec);
  rec.metadata = "read";
  CAF_CHECK(!c.fill(rec, c.generation()));
  auto hit = c.find("a");
  CAF_REQUIRE(hit);
  CAF_CHECK_EQUAL(hit->metadata, "stored");
}
