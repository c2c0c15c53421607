#define CAF_SUITE actors.job
#include "caf/test/dsl.hpp"

#include <cstdlib>
#include <functional>
#include <sys/stat.h>

#include "actors/job.hpp"
#include "sources/competition_store.hpp"
#include "core/error.hpp"

using namespace kagent;

namespace {

// A launcher that answers from a script and remembers what it was asked.
using script_fn = std::function<stage_result(const stage_request&)>;

stage_result success_for(const stage_request& req) {
  stage_result r;
  r.exit_code = 0;
  for (auto& f : req.outputs)
    r.outputs[f] = f == "metrics.json"
                     ? R"({"metric":"accuracy","chosen":"hgb","cv_score":0.8})"
                     : "content of " + f;
  return r;
}

struct fixture : test_coordinator_fixture<> {
  std::string root;
  std::vector<stage_request> runs;
  std::vector<std::string> writes;  ///< persistence calls, in order
  std::vector<job_record> updates;
  std::vector<job_event> events;
  std::vector<std::string> done_statuses;
  script_fn script = success_for;
  caf::actor launcher, db, sup;
  sources::competition_store_actor store;

  fixture() {
    char tmpl[] = "/tmp/kagent-job-test-XXXXXX";
    root = mkdtemp(tmpl);
    mkdir((root + "/mirror").c_str(), 0755);
    mkdir((root + "/mirror/demo").c_str(), 0755);
    mkdir((root + "/mirror/demo/public").c_str(), 0755);
    store = sources::spawn_competition_store(sys, sources::competition_store_options{
                                                    {root + "/mirror"}, "", {}, false, {}});
    launcher = sys.spawn([this](caf::event_based_actor*) -> caf::behavior {
      return {
        [this](run_atom, stage_request& req) {
          runs.push_back(req);
          return script(req);
        },
        [](cancel_atom, const std::string&) { return caf::ok_atom::value; },
      };
    });
    db = sys.spawn([this](caf::event_based_actor*) -> caf::behavior {
      return {
        [this](update_atom, job_record& rec) {
          writes.push_back("update:" + rec.status);
          updates.push_back(rec);
          return caf::ok_atom::value;
        },
        [this](checkpoint_atom, const std::string&, const std::string& stage,
               const stage_outputs& files, int64_t) {
          writes.push_back("checkpoint:" + stage + ":" + std::to_string(files.size()));
          return caf::ok_atom::value;
        },
        [this](artifact_atom, const std::string&, const std::string& name,
               const std::string&) {
          writes.push_back("artifact:" + name);
          return caf::ok_atom::value;
        },
        [this](events_atom, std::vector<job_event>& evs) {
          events.insert(events.end(), evs.begin(), evs.end());
          return caf::ok_atom::value;
        },
      };
    });
    sup = sys.spawn([this](caf::event_based_actor*) -> caf::behavior {
      return {[this](job_done_atom, const job_record& rec, bool) {
        done_statuses.push_back(rec.status);
      }};
    });
  }

  ~fixture() {
    std::string cmd = "rm -rf '" + root + "'";
    CAF_CHECK_EQUAL(system(cmd.c_str()), 0);
  }

  caf::actor start(checkpoints done = {}, int max_attempts = 2) {
    resumable_job job;
    job.job.id = "00000000-0000-4000-8000-000000000001";
    job.job.competition = "demo";
    job.done = std::move(done);
    job.last_seq = 7;
    pipeline_options opts;
    opts.data_dir = root + "/data";
    opts.max_attempts = max_attempts;
    opts.retry_backoff_ms = 1000;
    auto a = spawn_job(sys, job, {launcher, db, sup, opts, "node-a", caf::actor{}, store});
    sched.run();  // messages only: timers fire when a test advances the clock
    return a;
  }

  std::vector<std::string> checkpoint_writes() const {
    std::vector<std::string> out;
    for (auto& w : writes)
      if (w.rfind("checkpoint:", 0) == 0 || w.rfind("artifact:", 0) == 0)
        out.push_back(w);
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(job_tests, fixture)

CAF_TEST(a job commits every stage in pipeline order and then succeeds) {
  start();
  std::vector<std::string> expected{"checkpoint:analyze:1", "checkpoint:plan:1",
                                    "checkpoint:generate:1", "artifact:submission.csv",
                                    "checkpoint:train:2"};
  CAF_CHECK_EQUAL(checkpoint_writes(), expected);
  CAF_REQUIRE_EQUAL(runs.size(), 5u);  // four stages, train has two steps
  CAF_CHECK_EQUAL(runs[3].argv[0], "{python}");
  CAF_CHECK_EQUAL(runs[4].argv[1], "validate");
  CAF_REQUIRE_EQUAL(done_statuses.size(), 1u);
  CAF_CHECK_EQUAL(done_statuses[0], "success");
  CAF_CHECK_EQUAL(updates.back().status, "success");
  CAF_CHECK(updates.back().metadata.find("\"cv_score\":0.8") != std::string::npos);
  CAF_CHECK_EQUAL(writes.back(), "update:success");
}

CAF_TEST(events continue the committed sequence without gaps) {
  start();
  CAF_REQUIRE(!events.empty());
  for (size_t i = 0; i < events.size(); ++i)
    CAF_CHECK_EQUAL(events[i].seq, static_cast<int64_t>(8 + i));
}

CAF_TEST(a failing stage is retried after a backoff and then fails the job) {
  script = [](const stage_request& req) {
    if (req.stage == "plan") {
      stage_result r;
      r.exit_code = 3;
      r.error = "no candidate model";
      return r;
    }
    return success_for(req);
  };
  start();
  CAF_CHECK_EQUAL(runs.size(), 2u);  // analyze, plan attempt 1
  CAF_CHECK(done_statuses.empty());
  advance_time(std::chrono::milliseconds(999));
  sched.run();
  CAF_CHECK_EQUAL(runs.size(), 2u);  // not before the backoff is over
  advance_time(std::chrono::milliseconds(1));
  sched.run();
  CAF_REQUIRE_EQUAL(runs.size(), 3u);
  CAF_CHECK_EQUAL(runs[2].stage, "plan");
  CAF_CHECK_EQUAL(runs[2].attempt, 2);
  CAF_REQUIRE_EQUAL(done_statuses.size(), 1u);
  CAF_CHECK_EQUAL(done_statuses[0], "failed");
  CAF_CHECK(updates.back().error.find("no candidate model") != std::string::npos);
  CAF_CHECK_EQUAL(updates.back().error.rfind("plan stage", 0), 0u);
}

CAF_TEST(a stage that leaves no required output counts as failed) {
  script = [](const stage_request& req) {
    auto r = success_for(req);
    if (req.stage == "analyze")
      r.outputs.clear();
    return r;
  };
  start({}, 1);
  CAF_REQUIRE_EQUAL(done_statuses.size(), 1u);
  CAF_CHECK_EQUAL(done_statuses[0], "failed");
  CAF_CHECK(updates.back().error.find("profile.json") != std::string::npos);
}

CAF_TEST(a timed out stage ends the job as timeout without retry) {
  script = [](const stage_request& req) {
    stage_result r;
    r.timed_out = true;
    r.signal = 15;
    return r;
  };
  start();
  CAF_CHECK_EQUAL(runs.size(), 1u);
  CAF_REQUIRE_EQUAL(done_statuses.size(), 1u);
  CAF_CHECK_EQUAL(done_statuses[0], "timeout");
}

CAF_TEST(a resumed job starts at its first stage without a checkpoint) {
  checkpoints done{{"analyze", {{"profile.json", "{}"}}},
                   {"plan", {{"plan.json", "{}"}}},
                   {"generate", {{"solution.py", "print(1)"}}}};
  start(done);
  CAF_REQUIRE_EQUAL(runs.size(), 2u);
  CAF_CHECK_EQUAL(runs[0].stage, "train");
  CAF_CHECK_EQUAL(runs[1].stage, "train");
  CAF_CHECK_EQUAL(done_statuses.at(0), "success");
  // The committed outputs were put back into the job directory.
  struct stat st;
  CAF_CHECK_EQUAL(stat((runs[0].job_dir + "/solution.py").c_str(), &st), 0);
  CAF_CHECK_EQUAL(events.front().kind, "resumed");
}

CAF_TEST(a job for an unknown competition fails fast naming the mirrors) {
  resumable_job job;
  job.job.id = "00000000-0000-4000-8000-000000000002";
  job.job.competition = "nowhere";
  pipeline_options opts;
  opts.data_dir = root + "/data";
  spawn_job(sys, job, {launcher, db, sup, opts, "node-a", caf::actor{}, store});
  sched.run();
  CAF_CHECK(runs.empty());
  CAF_REQUIRE_EQUAL(done_statuses.size(), 1u);
  CAF_CHECK_EQUAL(done_statuses[0], "failed");
  CAF_CHECK(updates.back().error.find(root + "/mirror") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
