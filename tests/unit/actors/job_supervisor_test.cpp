#define CAF_SUITE actors.job_supervisor
#include "caf/test/dsl.hpp"

#include <cstdlib>
#include <map>
#include <sys/stat.h>

#include "actors/job_supervisor.hpp"
#include "core/error.hpp"

using namespace kagent;

namespace {

struct fixture : test_coordinator_fixture<> {
  std::string root;
  std::vector<std::string> done_ids;
  int runs = 0;
  int db_reads = 0;                         ///< (get_atom, id) answered by the database
  std::map<std::string, job_record> rows;   ///< what the database answers them with
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
    db = sys.spawn([this](caf::event_based_actor*) -> caf::behavior {
      return {
        [](update_atom, job_record&) { return caf::ok_atom::value; },
        [this](get_atom, const std::string& id) -> caf::result<job_record> {
          ++db_reads;
          auto i = rows.find(id);
          if (i == rows.end())
            return make_error(errc::not_found, "Job not found");
          return i->second;
        },
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

  // The status (or metadata) a read answers; "" when it failed.
  std::string status_of(const std::string& id) { return read(id).second.status; }
  std::string metadata_of(const std::string& id) { return read(id).second.metadata; }

  // Reads a job as the bridge does; errc::none when found.
  std::pair<errc, job_record> read(const std::string& id) {
    std::pair<errc, job_record> out{errc::internal, {}};
    sys.spawn([=, &out](caf::event_based_actor* c) {
      c->request(sup, caf::infinite, get_atom::value, id)
        .then([&out](job_record& rec) { out = {errc::none, rec}; },
              [&out](caf::error& e) { out = {code_of(e), {}}; });
    });
    sched.run();
    return out;
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

CAF_TEST(a finished job is read from its committed final record without the database) {
  resumable_job r;
  r.job.id = "00000000-0000-4000-8000-00000000000d";
  r.job.competition = "demo";
  caf::send_as(notify, sup, start_atom::value, r);
  sched.run();
  CAF_REQUIRE_EQUAL(done_ids.size(), 1u);
  auto [code, rec] = read(r.job.id);
  CAF_REQUIRE(code == errc::none);
  CAF_CHECK_EQUAL(rec.status, "success");
  CAF_CHECK_EQUAL(db_reads, 0);
}

CAF_TEST(a job unknown to the supervisor is read from admission and then from the database) {
  auto queued = "00000000-0000-4000-8000-00000000000e";
  auto old = "00000000-0000-4000-8000-00000000000f";
  auto adm = sys.spawn([=](caf::event_based_actor*) -> caf::behavior {
    return {[=](get_atom, const std::string& id) -> caf::result<job_record> {
      if (id != queued)
        return make_error(errc::not_found, "Job not found");
      job_record rec;
      rec.id = id;
      rec.status = status::queued;
      return rec;
    }};
  });
  caf::anon_send(sup, adm);
  sched.run();
  CAF_CHECK_EQUAL(status_of(queued), "queued");
  CAF_CHECK_EQUAL(db_reads, 0);
  rows[old].id = old;
  rows[old].status = status::failed;
  CAF_CHECK_EQUAL(status_of(old), "failed");
  CAF_CHECK_EQUAL(status_of(old), "failed");  // the second one from the cache
  CAF_CHECK_EQUAL(db_reads, 1);
  CAF_CHECK(read("00000000-0000-4000-8000-000000000010").first == errc::not_found);
  CAF_CHECK_EQUAL(db_reads, 2);
}

CAF_TEST(a job still queued or running in the database is never cached) {
  auto id = "00000000-0000-4000-8000-000000000011";
  rows[id].id = id;
  rows[id].status = status::queued;
  read(id);
  rows[id].status = status::cancelled;  // cancelled while queued, committed
  CAF_CHECK_EQUAL(status_of(id), "cancelled");
  CAF_CHECK_EQUAL(db_reads, 2);
}

CAF_TEST(a committed change of a finished job replaces its cached record) {
  auto id = "00000000-0000-4000-8000-000000000012";
  rows[id].id = id;
  rows[id].status = status::success;
  read(id);
  auto rec = rows[id];
  rec.metadata = R"({"kaggle_submission":{"message":"ok"}})";
  caf::anon_send(sup, update_atom::value, rec);  // as the Kaggle submitter does
  sched.run();
  CAF_CHECK_EQUAL(metadata_of(id), rec.metadata);
  CAF_CHECK_EQUAL(db_reads, 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
