#define CAF_SUITE actors.admission
#include "caf/test/dsl.hpp"

#include "actors/admission.hpp"
#include "actors/job_metadata.hpp"
#include "core/error.hpp"
#include "core/uuid.hpp"

using namespace kagent;

namespace {

constexpr const char* good_url = "https://www.kaggle.com/competitions/titanic";

struct outcome {
  bool ok = false;
  job_record rec;
  errc code = errc::none;
};

struct fixture : test_coordinator_fixture<> {
  std::vector<job_record> inserted;
  std::vector<std::string> started;
  bool db_down = false;
  caf::actor db;
  caf::actor sup;
  std::vector<outcome> outcomes;
  caf::actor reader;
  std::vector<resumable_job> planted;  ///< the reader's unfinished jobs, oldest first
  std::vector<std::pair<caf::response_promise, resume_range>> page_asks;

  fixture() {
    db = sys.spawn([this](caf::event_based_actor*) -> caf::behavior {
      return {[this](insert_atom, job_record& rec) -> caf::result<caf::ok_atom> {
        if (db_down)
          return make_error(errc::db_unavailable, "down");
        inserted.push_back(rec);
        return caf::ok_atom::value;
      }};
    });
    sup = sys.spawn([this](caf::event_based_actor*) -> caf::behavior {
      return {[this](start_atom, resumable_job& r) { started.push_back(r.job.id); }};
    });
    // Holds each page read until the test serves it (a promise is delivered
    // from its own actor).
    reader = sys.spawn([this](caf::event_based_actor* me) -> caf::behavior {
      return {[this, me](resume_atom, resume_range& r) {
                page_asks.emplace_back(me->make_response_promise(), r);
              },
              [this](caf::ok_atom) {
                auto [rp, range] = page_asks.front();
                page_asks.erase(page_asks.begin());
                rp.deliver(page_of(range));
              }};
    });
  }

  // `limit` planted jobs after the range's key (planted job i has created_us i + 1).
  resume_page page_of(const resume_range& range) {
    resume_page page;
    for (auto i = static_cast<size_t>(range.after.created_us);
         i < planted.size() && page.jobs.size() < static_cast<size_t>(range.limit); ++i) {
      page.jobs.push_back(planted[i]);
      page.end = {static_cast<int64_t>(i + 1), planted[i].job.id};
    }
    return page;
  }

  // Answers the oldest page read; false when none was asked.
  bool serve_page() {
    run();
    if (page_asks.empty())
      return false;
    self->send(reader, caf::ok_atom::value);
    run();
    return true;
  }

  admission_stats stats(caf::actor adm) {
    admission_stats out;
    sys.spawn([=, &out](caf::event_based_actor* client) {
      client->request(adm, caf::infinite, stats_atom::value)
        .then([&out](admission_stats& s) { out = s; });
    });
    run();
    return out;
  }

  caf::actor make_admission(size_t max_queued, size_t max_running) {
    admission_options opts;
    opts.max_queued = max_queued;
    opts.max_running = max_running;
    opts.resume_page_size = 1;
    auto adm = spawn_admission(sys, opts, db, sup, reader);
    run();
    return adm;
  }

  // Submits from a helper actor and runs until its answer arrived.
  outcome submit(caf::actor adm, const std::string& url, int32_t time_budget_s = 0) {
    auto before = outcomes.size();
    sys.spawn([=](caf::event_based_actor* client) {
      client->request(adm, caf::infinite, submit_atom::value, url, std::string{},
                      time_budget_s)
        .then([=](job_record& rec) { outcomes.push_back({true, rec, errc::none}); },
              [=](caf::error& err) { outcomes.push_back({false, {}, code_of(err)}); });
    });
    run();
    CAF_REQUIRE_EQUAL(outcomes.size(), before + 1);
    return outcomes.back();
  }

  // Reads a job from admission as the supervisor does; errc::none when found.
  std::pair<errc, job_record> read(caf::actor adm, const std::string& id) {
    std::pair<errc, job_record> out{errc::internal, {}};
    sys.spawn([=, &out](caf::event_based_actor* client) {
      client->request(adm, caf::infinite, get_atom::value, id)
        .then([&out](job_record& rec) { out = {errc::none, rec}; },
              [&out](caf::error& err) { out = {code_of(err), {}}; });
    });
    run();
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(admission_tests, fixture)

CAF_TEST(an accepted job is inserted before it is answered and then started) {
  auto adm = make_admission(10, 1);
  auto r = submit(adm, good_url);
  CAF_REQUIRE(r.ok);
  CAF_CHECK_EQUAL(r.rec.status, "queued");
  CAF_CHECK_EQUAL(r.rec.competition, "titanic");
  CAF_REQUIRE_EQUAL(inserted.size(), 1u);
  CAF_CHECK_EQUAL(inserted[0].id, r.rec.id);
  CAF_REQUIRE_EQUAL(started.size(), 1u);
  CAF_CHECK_EQUAL(started[0], r.rec.id);
}

CAF_TEST(a full queue rejects the next job and inserts nothing) {
  auto adm = make_admission(1, 1);
  CAF_CHECK(submit(adm, good_url).ok);  // starts at once: running 1
  CAF_CHECK(submit(adm, good_url).ok);  // waits: queued 1
  auto r = submit(adm, good_url);
  CAF_CHECK(!r.ok);
  CAF_CHECK(r.code == errc::queue_full);
  CAF_CHECK_EQUAL(inserted.size(), 2u);
  CAF_CHECK_EQUAL(started.size(), 1u);
}

CAF_TEST(a finished job frees its slot for the next queued one) {
  auto adm = make_admission(5, 1);
  auto first = submit(adm, good_url);
  auto second = submit(adm, good_url);
  CAF_REQUIRE_EQUAL(started.size(), 1u);
  self->send(adm, job_done_atom::value, first.rec.id);
  run();
  CAF_REQUIRE_EQUAL(started.size(), 2u);
  CAF_CHECK_EQUAL(started[1], second.rec.id);
}

CAF_TEST(the job own time budget is kept in its metadata and checked against the maximum) {
  auto adm = make_admission(5, 1); // max_time_budget_s defaults to 675
  auto r = submit(adm, good_url, 45);
  CAF_REQUIRE(r.ok);
  CAF_CHECK_EQUAL(parse_metadata(r.rec.metadata).time_budget_s, 45);
  CAF_REQUIRE_EQUAL(inserted.size(), 1u);
  CAF_CHECK_EQUAL(parse_metadata(inserted[0].metadata).time_budget_s, 45);
  CAF_CHECK_EQUAL(parse_metadata(submit(adm, good_url).rec.metadata).time_budget_s, 0);
  for (int32_t bad : {5, 676}) {
    r = submit(adm, good_url, bad);
    CAF_CHECK(!r.ok);
    CAF_CHECK(r.code == errc::invalid_input);
  }
  CAF_CHECK_EQUAL(inserted.size(), 2u);
  admission_options opts;
  CAF_CHECK(check_time_budget(700, opts).find("between 10 and 675") != std::string::npos);
  CAF_CHECK_EQUAL(check_time_budget(0, opts), "");
}

CAF_TEST(a bad url is rejected without touching the database) {
  auto adm = make_admission(5, 1);
  auto r = submit(adm, "https://example.com/competitions/x");
  CAF_CHECK(!r.ok);
  CAF_CHECK(r.code == errc::invalid_input);
  r = submit(adm, "https://www.kaggle.com/competitions/../etc");
  CAF_CHECK(r.code == errc::invalid_input);
  CAF_CHECK(inserted.empty());
}

CAF_TEST(a database failure is reported and the job is not queued) {
  auto adm = make_admission(5, 1);
  db_down = true;
  auto r = submit(adm, good_url);
  CAF_CHECK(!r.ok);
  CAF_CHECK(r.code == errc::db_unavailable);
  CAF_CHECK(started.empty());
}

CAF_TEST(resumed jobs run before new ones even when read after them) {
  auto adm = make_admission(10, 1);
  for (int i = 0; i < 3; ++i)
    planted.push_back({make_job(good_url, "titanic", "", 0), {}, 0});
  resume_plan plan;
  plan.total = 3;
  plan.by_owner[""] = 3;
  plan.last = {int64_t{3}, planted.back().job.id};
  self->send(adm, resume_atom::value, plan);
  run();
  CAF_CHECK_EQUAL(stats(adm).resume_total, 3);
  auto fresh = submit(adm, good_url);  // accepted while nothing is read yet
  CAF_REQUIRE(fresh.ok);
  CAF_CHECK(started.empty());          // and held: older jobs may be missing
  CAF_CHECK_EQUAL(stats(adm).queued, 4);
  CAF_REQUIRE(serve_page());
  CAF_REQUIRE_EQUAL(started.size(), 1u);
  CAF_CHECK_EQUAL(started[0], planted[0].job.id);
  self->send(adm, job_done_atom::value, started[0]);
  run();
  CAF_CHECK_EQUAL(started.size(), 1u);  // the next old one is not read yet
  CAF_REQUIRE(serve_page());
  CAF_REQUIRE(read(adm, planted[2].job.id).first == errc::not_found);  // still in the database
  self->send(adm, job_done_atom::value, started[1]);
  run();
  CAF_REQUIRE(serve_page());
  CAF_CHECK(read(adm, fresh.rec.id).first == errc::none);
  self->send(adm, job_done_atom::value, started[2]);
  run();
  CAF_CHECK_EQUAL(started.size(), 3u);  // a full page: one more read says it was the last
  CAF_REQUIRE(serve_page());
  CAF_REQUIRE_EQUAL(started.size(), 4u);
  std::vector<std::string> want{planted[0].job.id, planted[1].job.id, planted[2].job.id,
                                fresh.rec.id};
  CAF_CHECK_EQUAL(started, want);
  auto s = stats(adm);
  CAF_CHECK_EQUAL(s.resume_loaded, 3);
  CAF_CHECK(s.resume_done);
  CAF_CHECK(!serve_page());  // nothing more is asked
}

CAF_TEST(jobs still to be resumed count against the queue limits) {
  auto adm = make_admission(3, 1);
  resume_plan plan;
  plan.total = 3;
  plan.by_owner[""] = 3;
  plan.last = {int64_t{1}, new_uuid()};
  self->send(adm, resume_atom::value, plan);
  run();
  CAF_CHECK(submit(adm, good_url).code == errc::queue_full);
}

CAF_TEST(a draining node rejects new jobs) {
  auto adm = make_admission(5, 1);
  self->send(adm, drain_atom::value);
  run();
  auto r = submit(adm, good_url);
  CAF_CHECK(r.code == errc::shutting_down);
}

CAF_TEST(a queued job is read from its queue entry until it starts) {
  auto adm = make_admission(5, 1);
  auto first = submit(adm, good_url);
  auto second = submit(adm, good_url);
  CAF_CHECK(read(adm, first.rec.id).first == errc::not_found);  // running: not ours
  auto [code, rec] = read(adm, second.rec.id);
  CAF_REQUIRE(code == errc::none);
  CAF_CHECK_EQUAL(rec.id, second.rec.id);
  CAF_CHECK_EQUAL(rec.status, "queued");
  CAF_CHECK_EQUAL(rec.metadata, second.rec.metadata);
  self->send(adm, job_done_atom::value, first.rec.id);
  run();
  CAF_CHECK(read(adm, second.rec.id).first == errc::not_found);  // started
  CAF_CHECK(read(adm, "00000000-0000-4000-8000-000000000000").first == errc::not_found);
}

CAF_TEST_FIXTURE_SCOPE_END()
