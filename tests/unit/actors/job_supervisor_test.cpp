#define CAF_SUITE actors.job_supervisor
#include "caf/test/dsl.hpp"

#include <cstdlib>
#include <sys/stat.h>

#include "actors/job_supervisor.hpp"
#include "core/error.hpp"

using namespace kagent;

namespace {

struct fixture : test_coordinator_fixture<> {
  std::string root;
  std::vector<std::string> done_ids;
  int runs = 0;
  caf::actor launcher, db, notify, sup;

  fixture() {
    char tmpl[] = "/tmp/kagent-sup-test-XXXXXX";
    root = mkdtemp(tmpl);
    mkdir((root + "/mirror").c_str(), 0755);
    mkdir((root + "/mirror/demo").c_str(), 0755);
    launcher = sys.spawn([this](caf::event_based_actor*) -> caf::behavior {
      return {[this](run_atom, stage_request& req) {
        ++runs;
        stage_result r;
        r.exit_code = 0;
        for (auto& f : req.outputs)
          r.outputs[f] = "{}";
        return r;
      }};
    });
    db = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
      return {
        [](update_atom, job_record&) { return caf::ok_atom::value; },
        [](checkpoint_atom, const std::string&, const std::string&, const stage_outputs&,
           int64_t) { return caf::ok_atom::value; },
        [](artifact_atom, const std::string&, const std::string&, const std::string&) {
          return caf::ok_atom::value;
        },
        [](events_atom, std::vector<job_event>&) { return caf::ok_atom::value; },
      };
    });
    notify = sys.spawn([this](caf::event_based_actor*) -> caf::behavior {
      return {[this](job_done_atom, const std::string& id) { done_ids.push_back(id); }};
    });
    pipeline_options opts;
    opts.data_dir = root + "/data";
    auto store = sources::spawn_competition_store(
      sys, sources::competition_store_options{{root + "/mirror"}, "", {}, false, {}});
    sup = spawn_job_supervisor(sys, {launcher, db, db, opts, "node-a", 3, caf::actor{}, store});
    sched.run();
  }

  ~fixture() {
    std::string cmd = "rm -rf '" + root + "'";
    CAF_CHECK_EQUAL(system(cmd.c_str()), 0);
  }

};

} // namespace

CAF_TEST_FIXTURE_SCOPE(job_supervisor_tests, fixture)

CAF_TEST(every finished job is reported) {
  // Sent on behalf of `notify`, as admission does.
  for (auto id : {"00000000-0000-4000-8000-00000000000a",
                  "00000000-0000-4000-8000-00000000000b",
                  "00000000-0000-4000-8000-00000000000c"}) {
    resumable_job r;
    r.job.id = id;
    r.job.competition = "demo";
    caf::send_as(notify, sup, start_atom::value, r);
    sched.run();
  }
  CAF_CHECK_EQUAL(done_ids.size(), 3u);
  CAF_CHECK_EQUAL(runs, 15);  // 5 steps per job
}

CAF_TEST(a finished job is no longer live) {
  resumable_job r;
  r.job.id = "00000000-0000-4000-8000-00000000000d";
  r.job.competition = "demo";
  caf::send_as(notify, sup, start_atom::value, r);
  sched.run();
  bool not_found = false;
  sys.spawn([&](caf::event_based_actor* c) {
    c->request(sup, caf::infinite, get_atom::value, r.job.id)
      .then([&](job_record&) {}, [&](caf::error& e) { not_found = code_of(e) == errc::not_found; });
  });
  sched.run();
  CAF_CHECK(not_found);
}

CAF_TEST_FIXTURE_SCOPE_END()
