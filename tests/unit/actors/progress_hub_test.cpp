#define CAF_SUITE actors.progress_hub
#include "caf/test/dsl.hpp"

#include <memory>

#include "actors/progress_hub.hpp"
#include "actors/progress_hub_logic.hpp"

using namespace kagent;

namespace {

const std::string job_a = "00000000-0000-4000-8000-00000000000a";

job_event ev(int64_t seq, const std::string& kind = "log", const std::string& msg = "x") {
  return job_event{job_a, seq, 1000 + seq, "train", kind, msg, -1};
}

std::vector<int64_t> seqs(const std::vector<job_event>& xs) {
  std::vector<int64_t> out;
  for (auto& x : xs)
    out.push_back(x.seq);
  return out;
}

std::vector<int64_t> range(int64_t from, int64_t to) {
  std::vector<int64_t> out;
  for (auto i = from; i <= to; ++i)
    out.push_back(i);
  return out;
}

// What one subscriber saw: the replay, then live pushes.
struct seen {
  hub_replay replay;
  std::vector<job_event> live;
  std::vector<job_record> jobs;
};

struct fixture : test_coordinator_fixture<> {
  caf::actor hub;

  fixture() {
    progress_hub_options opts;
    opts.ring_capacity = 8;
    opts.progress_interval_ms = 3'600'000;  // coalesce every progress change in a test
    hub = spawn_progress_hub(sys, opts);
    sched.run();
  }

  caf::actor subscriber(std::shared_ptr<seen> out, int64_t since) {
    auto h = hub;
    auto a = sys.spawn([out, since, h](caf::event_based_actor* self) -> caf::behavior {
      self->request(h, caf::infinite, subscribe_atom::value, job_a, since, caf::actor{self})
        .then([out](hub_replay& r) { out->replay = std::move(r); });
      return {[out](publish_atom, job_event& e) { out->live.push_back(std::move(e)); }};
    });
    sched.run();
    return a;
  }

  caf::actor global(std::shared_ptr<seen> out) {
    auto h = hub;
    auto a = sys.spawn([out, h](caf::event_based_actor* self) -> caf::behavior {
      self->request(h, caf::infinite, subscribe_atom::value, caf::actor{self})
        .then([out](std::vector<job_record>& xs) { out->jobs = std::move(xs); });
      return {[out](publish_atom, job_record& r) { out->jobs.push_back(std::move(r)); }};
    });
    sched.run();
    return a;
  }

  void publish(int64_t from, int64_t to) {
    for (auto i = from; i <= to; ++i)
      caf::anon_send(hub, publish_atom::value, ev(i));
    sched.run();
  }

  hub_stats stats() {
    hub_stats out;
    self->send(hub, stats_atom::value);
    sched.run();
    self->receive([&](hub_stats& s) { out = s; });
    return out;
  }
};

job_record rec(const std::string& status, const std::string& stage, const std::string& meta) {
  job_record r;
  r.id = job_a;
  r.status = status;
  r.stage = stage;
  r.metadata = meta;
  return r;
}

} // namespace

CAF_TEST(the ring keeps the newest events and replays those after since) {
  std::deque<job_event> ring;
  for (int64_t i = 1; i <= 10; ++i)
    ring_push(ring, ev(i), 4);
  CAF_CHECK_EQUAL(seqs({ring.begin(), ring.end()}), range(7, 10));
  CAF_CHECK_EQUAL(seqs(replay_from(ring, 8)), range(9, 10));
  CAF_CHECK_EQUAL(seqs(replay_from(ring, 0)), range(7, 10));
  CAF_CHECK(replay_from(ring, 10).empty());
}

CAF_TEST(a renumbered event replaces the ring from its seq on) {
  std::deque<job_event> ring;
  for (int64_t i = 1; i <= 5; ++i)
    ring_push(ring, ev(i), 10);
  ring_push(ring, ev(4, "resumed"), 10);
  CAF_CHECK_EQUAL(seqs({ring.begin(), ring.end()}), range(1, 4));
  CAF_CHECK_EQUAL(ring.back().kind, "resumed");
}

CAF_TEST(the database is read only when the ring does not reach back to since) {
  CAF_CHECK(needs_database(0, false, 0));  // the hub never saw the job
  CAF_CHECK(needs_database(3, true, 5));   // 4 is older than the ring
  CAF_CHECK(!needs_database(4, true, 5));
  CAF_CHECK(!needs_database(0, true, 1));
}

CAF_TEST(the cursor hands out each event once in seq order across overlapping sources) {
  event_cursor c{2};
  CAF_CHECK(c.take({ev(1), ev(2)}).empty());
  CAF_CHECK(c.take({ev(5), ev(6)}).empty());  // waits for 3 and 4
  CAF_CHECK(c.has_gap());
  CAF_CHECK_EQUAL(seqs(c.take({ev(3), ev(4), ev(5)})), range(3, 6));
  CAF_CHECK(!c.has_gap());
  CAF_CHECK(c.take({ev(6)}).empty());
  CAF_CHECK_EQUAL(c.last(), 6);
}

CAF_TEST(the cursor hands out the next live event at once and holds one past a gap) {
  event_cursor c{0};
  CAF_CHECK_EQUAL(seqs(c.take({ev(1)})), std::vector<int64_t>{1});
  CAF_CHECK(c.take({ev(1)}).empty());  // a duplicate
  CAF_CHECK(c.take({ev(3)}).empty());  // waits for 2
  CAF_CHECK_EQUAL(seqs(c.take({ev(2)})), range(2, 3));
  CAF_CHECK_EQUAL(c.last(), 3);
}

CAF_TEST(snapshots are classified as state or progress changes) {
  auto a = rec("running", "plan", R"({"progress":0.3})");
  auto b = rec("running", "plan", R"({"progress":0.4})");
  auto c = rec("running", "train", R"({"progress":0.4})");
  CAF_CHECK(classify(nullptr, a) == snapshot_change::state);
  CAF_CHECK(classify(&a, a) == snapshot_change::none);
  CAF_CHECK(classify(&a, b) == snapshot_change::progress);
  CAF_CHECK(classify(&b, c) == snapshot_change::state);
  CAF_CHECK(progress_due(1000, 1250, 250));
  CAF_CHECK(!progress_due(1000, 1249, 250));
}

CAF_TEST(a status event names the terminal status) {
  CAF_CHECK_EQUAL(terminal_status_of(ev(1, "status", "failed: stage plan exited 3")), "failed");
  CAF_CHECK_EQUAL(terminal_status_of(ev(1, "status", "success")), "success");
  CAF_CHECK_EQUAL(terminal_status_of(ev(1, "log", "success")), "");
}

CAF_TEST_FIXTURE_SCOPE(progress_hub_tests, fixture)

CAF_TEST(a subscriber gets the ring after since and then every live event) {
  publish(1, 5);
  auto out = std::make_shared<seen>();
  subscriber(out, 2);
  CAF_CHECK(out->replay.known);
  CAF_CHECK_EQUAL(out->replay.oldest, 1);
  CAF_CHECK_EQUAL(seqs(out->replay.events), range(3, 5));
  publish(6, 7);
  CAF_CHECK_EQUAL(seqs(out->live), range(6, 7));
}

CAF_TEST(a subscriber behind the ring learns where the ring starts) {
  publish(1, 20);
  auto out = std::make_shared<seen>();
  subscriber(out, 3);
  CAF_CHECK_EQUAL(out->replay.oldest, 13);  // capacity 8
  CAF_CHECK(needs_database(3, out->replay.known, out->replay.oldest));
  CAF_CHECK_EQUAL(seqs(out->replay.events), range(13, 20));
}

CAF_TEST(a subscriber of a job not yet started gets its events once it runs) {
  auto out = std::make_shared<seen>();
  subscriber(out, 0);
  CAF_CHECK(!out->replay.known);
  publish(1, 3);
  CAF_CHECK_EQUAL(seqs(out->live), range(1, 3));
}

CAF_TEST(one thousand subscribers to one job each receive every event) {
  std::vector<std::shared_ptr<seen>> all;
  for (int i = 0; i < 1000; ++i) {
    all.push_back(std::make_shared<seen>());
    subscriber(all.back(), 0);
  }
  publish(1, 50);
  for (auto& s : all) {
    CAF_REQUIRE_EQUAL(seqs(s->live), range(1, 50));
  }
  CAF_CHECK_EQUAL(stats().subscribers, 1000);
}

CAF_TEST(unsubscribed and dead subscribers are dropped) {
  auto a = std::make_shared<seen>();
  auto b = std::make_shared<seen>();
  auto sa = subscriber(a, 0);
  auto sb = subscriber(b, 0);
  caf::anon_send(hub, unsubscribe_atom::value, sa);
  caf::anon_send_exit(sb, caf::exit_reason::user_shutdown);
  sched.run();
  publish(1, 2);
  CAF_CHECK(a->live.empty());
  CAF_CHECK(b->live.empty());
  CAF_CHECK_EQUAL(stats().subscribers, 0);
}

CAF_TEST(global subscribers get state changes at once and progress coalesced) {
  caf::anon_send(hub, publish_atom::value, rec("running", "plan", R"({"progress":0.1})"));
  sched.run();
  auto out = std::make_shared<seen>();
  global(out);
  CAF_REQUIRE_EQUAL(out->jobs.size(), 1u);  // the live job, at once
  for (auto p : {"0.2", "0.3", "0.4"})
    caf::anon_send(hub, publish_atom::value,
                   rec("running", "plan", std::string{R"({"progress":)"} + p + "}"));
  sched.run();
  CAF_CHECK_EQUAL(out->jobs.size(), 1u);  // progress waits for the interval
  sched.trigger_timeouts();
  sched.run();
  CAF_REQUIRE_EQUAL(out->jobs.size(), 2u);
  CAF_CHECK_EQUAL(out->jobs.back().metadata, R"({"progress":0.4})");
  caf::anon_send(hub, publish_atom::value, rec("success", "train", R"({"progress":1})"));
  sched.run();
  CAF_REQUIRE_EQUAL(out->jobs.size(), 3u);
  CAF_CHECK_EQUAL(out->jobs.back().status, "success");
}

CAF_TEST(an ended job is forgotten after the linger time) {
  publish(1, 3);
  caf::anon_send(hub, publish_atom::value, rec("failed", "plan", "{}"));
  sched.run();
  CAF_CHECK_EQUAL(stats().jobs, 1);
  sched.trigger_timeouts();
  sched.run();
  CAF_CHECK_EQUAL(stats().jobs, 0);
  auto out = std::make_shared<seen>();
  subscriber(out, 0);
  CAF_CHECK(!out->replay.known);  // the database serves it now
}

CAF_TEST_FIXTURE_SCOPE_END()
