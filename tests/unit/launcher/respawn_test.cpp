#define CAF_SUITE launcher.respawn
#include "launcher_fixture.hpp"

#include "actors/job_supervisor.hpp"

using namespace kagent;
using namespace kagent::launcher_testing;
using namespace std::chrono_literals;

namespace {

using seen_atom = caf::atom_constant<caf::atom("seen")>;

/// Stands in for persistence and db_reader: keeps rows, checkpoints and
/// events in its state, so a respawned job actor can reload them.
struct db_state {
  std::map<std::string, job_record> rows;
  std::map<std::string, checkpoints> done;
  std::vector<job_event> events;
};

caf::behavior fake_db(caf::stateful_actor<db_state>* self) {
  return {
    [=](update_atom, job_record& rec) {
      self->state.rows[rec.id] = rec;
      return caf::ok_atom::value;
    },
    [=](checkpoint_atom, const std::string& id, const std::string& stage,
        const stage_outputs& files, int64_t) {
      self->state.done[id][stage] = files;
      return caf::ok_atom::value;
    },
    [=](artifact_atom, const std::string&, const std::string&, const std::string&) {
      return caf::ok_atom::value;
    },
    [=](events_atom, std::vector<job_event>& evs) {
      self->state.events.insert(self->state.events.end(), evs.begin(), evs.end());
      return caf::ok_atom::value;
    },
    [=](get_atom, const std::string& id) -> caf::result<job_record> {
      auto i = self->state.rows.find(id);
      if (i == self->state.rows.end())
        return make_error(errc::not_found, "no row");
      return i->second;
    },
    [=](checkpoint_atom, const std::string& id) { return self->state.done[id]; },
    [=](events_atom, const std::string&, int64_t) { return self->state.events; },
  };
}

/// In front of the real launcher: tells `watcher` which job actor asks for
/// which stage, then hands the request on unchanged (the launcher sees the
/// job actor as the sender).
caf::behavior spy(caf::event_based_actor* self, caf::actor launcher, caf::actor watcher) {
  return {
    [=](run_atom a, stage_request& req) {
      self->send(watcher, seen_atom::value, caf::actor_cast<caf::actor>(self->current_sender()),
                 req.stage);
      return self->delegate(launcher, a, std::move(req));
    },
    [=](cancel_atom a, const std::string& id) { return self->delegate(launcher, a, id); },
  };
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(respawn_tests, fixture)

CAF_TEST(a requester that dies takes its stage with it and frees the slot at once) {
  start("process");
  auto requester = sys.spawn([=](caf::event_based_actor* a) -> caf::behavior {
    a->request(launcher, caf::infinite, run_atom::value, shell("echo started; sleep 100.3131"))
      .then([](stage_result&) {});
    return {[](stage_event_atom, job_event&) {}};
  });
  for (int i = 0; i < 100 && !process_with_token("100.3131"); ++i)
    std::this_thread::sleep_for(50ms);
  CAF_REQUIRE(process_with_token("100.3131"));
  caf::anon_send_exit(requester, caf::exit_reason::kill);
  self->wait_for(requester);
  // Right away, as a respawned job actor would: not "launcher busy".
  auto out = run(shell("echo again"));
  CAF_CHECK_EQUAL(out.err ? detail_of(out.err) : std::string{}, "");
  CAF_CHECK_EQUAL(out.result.exit_code, 0);
  CAF_CHECK(has_line(out, "again"));
  CAF_CHECK(gone("100.3131"));
}

CAF_TEST(a job actor killed mid stage is respawned and its job still succeeds) {
  stage_bin = python = KAGENT_TEST_DIR "/fixtures/fake-stage";
  start("process");
  auto mirror = root / "mirror";
  fs::create_directories(mirror / "demo" / "public");
  std::ofstream{mirror / "demo" / "public" / "BEHAVIOR"} << "sleep train 4\n";
  auto db = sys.spawn(fake_db);
  auto front = sys.spawn(spy, launcher, caf::actor{self});
  pipeline_options pipeline;
  pipeline.data_dir = (root / "data").string();
  pipeline.retry_backoff_ms = 200;
  supervisor_deps deps;
  deps.stages = front;
  deps.persistence = db;
  deps.db_reader = db;
  deps.pipeline = pipeline;
  deps.node = "node-a";
  deps.stage_user = host->user; // the job dir is the stage user's, as in kagentd
  deps.store = sources::spawn_competition_store(
    sys, sources::competition_store_options{{mirror.string()}, "", {}, true, {}});
  auto sup = spawn_job_supervisor(sys, deps);
  resumable_job job;
  job.job.id = "00000000-0000-4000-8000-0000000000aa";
  job.job.competition = "demo";
  job.job.status = status::queued;
  self->send(db, update_atom::value, job.job);
  self->receive([](caf::ok_atom) {});
  self->send(sup, start_atom::value, job);
  caf::actor first;
  self->receive_while([&] { return !first; })(
    [&](seen_atom, caf::actor& who, const std::string& stage) {
      if (stage == "train")
        first = who;
    },
    caf::after(60s) >> [&] { CAF_FAIL("train never started"); });
  std::this_thread::sleep_for(1s); // well inside the 4 s train stage
  caf::anon_send_exit(first, caf::exit_reason::kill);
  std::string final_status;
  self->receive_while([&] { return final_status.empty(); })(
    [&](seen_atom, caf::actor&, const std::string&) {},
    [&](job_done_atom, const std::string&) {
      self->request(db, 5s, get_atom::value, job.job.id)
        .receive([&](job_record& rec) { final_status = rec.status; },
                 [&](caf::error& e) { final_status = "db: " + detail_of(e); });
    },
    caf::after(60s) >> [&] { final_status = "no end within 60 s"; });
  CAF_CHECK_EQUAL(final_status, status::success);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  self->send_exit(deps.store, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()
