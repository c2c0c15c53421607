#define CAF_SUITE cluster.node_registry
#define FAIL(msg) CAF_FAIL(msg) // 0.17.6: the fixture's request<T>() calls FAIL()
#include "caf/test/dsl.hpp"

#include <map>

#include "cluster/node_registry.hpp"
#include "core/error.hpp"

using namespace kagent;
using namespace kagent::cluster;

namespace {

/// What a fake worker was asked, and the attempts it keeps open.
struct fake_worker {
  bool answer = false;  ///< answer each attempt at once (exit 0) instead of holding it
  std::vector<remote_stage> runs;
  std::map<uint64_t, caf::typed_response_promise<stage_result>> open;
  std::vector<uint64_t> cancels;
};

/// A worker_actor that the test can also tell to end an attempt it holds
/// (a promise is delivered from inside its owner, never from the test).
using fake_worker_actor = worker_actor::extend<caf::reacts_to<caf::ok_atom, uint64_t, int32_t>>;

const node_view* node_in(const cluster_view& v, const std::string& name) {
  for (auto& n : v.nodes)
    if (n.name == name)
      return &n;
  return nullptr;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct fixture : test_coordinator_fixture<> {
  std::map<std::string, fake_worker> fakes;
  std::map<std::string, fake_worker_actor> workers;
  std::vector<std::string> manifest_requests;
  std::vector<int64_t> capacities;
  std::map<std::string, std::vector<stage_result>> results;  ///< by job id
  std::vector<job_event> events;
  file_server_actor files;
  registry_actor registry;
  caf::actor requester;

  fixture() {
    // Local nodes share the disk: the registry must not ask for manifests.
    files = sys.spawn([this](file_server_actor::pointer) -> file_server_actor::behavior_type {
      return {
        [this](get_atom, const std::string& dir,
               const std::string&) -> caf::result<competition_manifest> {
          manifest_requests.push_back(dir);
          return make_error(errc::internal, "no files in this test");
        },
        [](chunk_atom, const std::string&, int64_t) -> caf::result<file_chunk> {
          return make_error(errc::not_found, "no files in this test");
        },
      };
    });
    registry_options opts;
    opts.head = "head";
    registry = spawn_node_registry(sys, opts, files);
    requester = spawn_requester();
    sched.run();
  }

  // The base class runs the clock out after these members are gone: stop
  // every actor that records into them first.
  ~fixture() {
    for (auto& [_, w] : workers)
      caf::anon_send_exit(w, caf::exit_reason::kill);
    caf::anon_send_exit(requester, caf::exit_reason::kill);
    caf::anon_send_exit(registry, caf::exit_reason::kill);
    caf::anon_send_exit(files, caf::exit_reason::kill);
    sched.run();
  }

  /// A job actor stand-in: runs (run_atom, stage_request) through the
  /// registry and records results and events.
  caf::actor spawn_requester() {
    return sys.spawn([this](caf::event_based_actor* self) -> caf::behavior {
      return {
        [this, self](run_atom, stage_request& req) {
          auto job = req.job_id;
          self->request(registry, caf::infinite, run_atom::value, std::move(req))
            .then([this, job](stage_result& r) { results[job].push_back(std::move(r)); },
                  [this, job, self](caf::error& err) {
                    stage_result r;
                    r.error = "request failed: " + self->system().render(err);
                    results[job].push_back(std::move(r));
                  });
        },
        [this](stage_event_atom, job_event& ev) { events.push_back(std::move(ev)); },
      };
    });
  }

  fake_worker_actor spawn_worker(const std::string& name, bool answer = false) {
    fakes[name].answer = answer;
    auto w = sys.spawn([this, name](
                         fake_worker_actor::pointer self) -> fake_worker_actor::behavior_type {
      return {
        [this, name, self](run_atom, remote_stage& rs) -> caf::result<stage_result> {
          auto& f = fakes[name];
          f.runs.push_back(rs);
          if (f.answer) {
            stage_result r;
            r.exit_code = 0;
            return r;
          }
          auto rp = self->make_response_promise<stage_result>();
          f.open.emplace(rs.attempt_id, rp);
          return rp;
        },
        [this, name](cancel_atom, uint64_t id) {
          fakes[name].cancels.push_back(id);
          return caf::ok_atom::value;
        },
        [this, name](caf::ok_atom, uint64_t id, int32_t code) {
          auto& f = fakes[name];
          auto i = f.open.find(id);
          if (i == f.open.end())
            return;
          stage_result r;
          r.exit_code = code;
          i->second.deliver(std::move(r));
          f.open.erase(i);
        },
      };
    });
    workers[name] = w;
    sched.run();
    return w;
  }

  join_ack join(const std::string& name, int32_t slots, const worker_actor& w,
                std::string protocol = protocol_version) {
    node_hello h;
    h.name = name;
    h.slots = slots;
    h.sandbox = "process";
    h.version = "test";
    h.protocol = std::move(protocol);
    return ask<join_ack>(registry, join_atom::value, h, w);
  }

  /// A fake worker with `slots` that joined.
  void add_node(const std::string& name, int32_t slots, bool answer = false) {
    auto ack = join(name, slots, spawn_worker(name, answer));
    CAF_REQUIRE(ack.accepted);
  }

  void run_stage(const std::string& job, const caf::actor& from) {
    stage_request req;
    req.job_id = job;
    req.stage = "train";
    req.timeout_ms = 60000;
    req.job_dir = "/tmp/jobs/" + job;
    req.competition_dir = "/tmp/competition";
    caf::anon_send(from, run_atom::value, std::move(req));
    sched.run();
  }

  void run_stage(const std::string& job) { run_stage(job, requester); }

  /// Ends the oldest open attempt of `name` with exit code `code`.
  void finish_one(const std::string& name, int32_t code = 0) {
    auto& f = fakes[name];
    CAF_REQUIRE(!f.open.empty());
    caf::anon_send(workers.at(name), caf::ok_atom::value, f.open.begin()->first, code);
    sched.run();
  }

  void kill(const std::string& name) {
    caf::anon_send_exit(workers.at(name), caf::exit_reason::kill);
    sched.run();
  }

  /// The fixture's request<T>() runs with run(), which also fires timeouts
  /// when nothing else is left, so an attempt a fake worker holds would time
  /// out; here only messages are delivered (sched.run()).
  template <class T, class Handle, class... Ts>
  T ask(const Handle& hdl, Ts... xs) {
    T out;
    auto h = self->request(hdl, caf::infinite, std::move(xs)...);
    sched.run();
    h.receive([&](T& x) { out = std::move(x); },
              [&](caf::error& err) { CAF_FAIL("request failed: " << sys.render(err)); });
    return out;
  }

  cluster_view view() { return ask<cluster_view>(registry, list_atom::value); }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(node_registry_tests, fixture)

CAF_TEST(a capacity watcher gets zero then the slot sum of joined nodes then less after a loss) {
  auto watcher = sys.spawn([this](caf::event_based_actor*) -> caf::behavior {
    return {[this](capacity_atom, int64_t n) { capacities.push_back(n); }};
  });
  caf::anon_send(registry, capacity_atom::value, watcher);
  sched.run();
  CAF_CHECK_EQUAL(capacities, std::vector<int64_t>({0}));
  add_node("A", 2);
  add_node("B", 3);
  CAF_CHECK_EQUAL(capacities, std::vector<int64_t>({0, 2, 5}));
  CAF_CHECK_EQUAL(view().slots, 5);
  kill("A");
  CAF_CHECK_EQUAL(capacities, std::vector<int64_t>({0, 2, 5, 3}));
  auto v = view();
  CAF_CHECK_EQUAL(v.slots, 3);
  CAF_CHECK_EQUAL(v.lost_nodes, 1);
  CAF_REQUIRE(node_in(v, "A"));
  CAF_CHECK_EQUAL(node_in(v, "A")->state, "lost");
}

CAF_TEST(a join with another protocol version is refused and names the version) {
  auto ack = join("old", 2, spawn_worker("old"), "kagent-cluster/0");
  CAF_CHECK(!ack.accepted);
  CAF_CHECK(contains(ack.reason, protocol_version));
  CAF_CHECK(contains(ack.reason, "kagent-cluster/0"));
  CAF_CHECK_EQUAL(ack.head, "head");
  auto v = view();
  CAF_CHECK(v.nodes.empty());
  CAF_CHECK_EQUAL(v.slots, 0);
  // the current version is accepted
  auto ok = join("new", 2, spawn_worker("new"));
  CAF_CHECK(ok.accepted);
  CAF_CHECK_EQUAL(ok.reason, "");
  CAF_CHECK_EQUAL(ok.heartbeat_ms, 1000);
  CAF_CHECK_EQUAL(view().slots, 2);
}

CAF_TEST(a join without slots or name is refused) {
  CAF_CHECK(!join("A", 0, spawn_worker("A")).accepted);
  CAF_CHECK(!join("", 1, spawn_worker("noname")).accepted);
  CAF_CHECK(view().nodes.empty());
}

CAF_TEST(two attempts go one to each free node and a third waits for a slot) {
  add_node("A", 1);
  add_node("B", 1);
  run_stage("j1");
  run_stage("j2");
  CAF_CHECK_EQUAL(fakes["A"].runs.size(), 1u);
  CAF_CHECK_EQUAL(fakes["B"].runs.size(), 1u);
  // local nodes share the disk: paths pass as they are, no manifest is made
  CAF_REQUIRE_EQUAL(fakes["A"].runs.size(), 1u);
  CAF_CHECK(fakes["A"].runs[0].shared_disk);
  CAF_CHECK_EQUAL(fakes["A"].runs[0].req.job_dir, "/tmp/jobs/" + fakes["A"].runs[0].req.job_id);
  CAF_CHECK(manifest_requests.empty());
  CAF_CHECK_NOT_EQUAL(fakes["A"].runs[0].attempt_id, fakes["B"].runs[0].attempt_id);
  run_stage("j3");
  auto v = view();
  CAF_CHECK_EQUAL(v.waiting, 1);
  CAF_CHECK_EQUAL(v.busy, 2);
  CAF_CHECK_EQUAL(fakes["A"].runs.size() + fakes["B"].runs.size(), 2u);
  auto a_job = fakes["A"].runs[0].req.job_id;
  finish_one("A");
  CAF_REQUIRE_EQUAL(results[a_job].size(), 1u);
  CAF_CHECK_EQUAL(results[a_job][0].exit_code, 0);
  CAF_CHECK_EQUAL(results[a_job][0].node, "A");
  CAF_REQUIRE_EQUAL(fakes["A"].runs.size(), 2u);
  CAF_CHECK_EQUAL(fakes["A"].runs[1].req.job_id, "j3");
  v = view();
  CAF_CHECK_EQUAL(v.waiting, 0);
  CAF_CHECK_EQUAL(v.busy, 2);
  CAF_REQUIRE(node_in(v, "A"));
  CAF_CHECK_EQUAL(node_in(v, "A")->stages_run, 1);
  CAF_CHECK(results["j3"].empty());
}

CAF_TEST(a node lost mid-stage fails its attempt and the retry runs on the remaining node) {
  add_node("A", 1);
  add_node("B", 1);
  run_stage("j1");
  CAF_REQUIRE_EQUAL(fakes["A"].runs.size(), 1u);  // equal load: the smaller name
  CAF_CHECK(fakes["B"].runs.empty());
  kill("A");
  CAF_REQUIRE_EQUAL(results["j1"].size(), 1u);
  auto& r = results["j1"][0];
  CAF_CHECK(contains(r.error, "node A was lost"));
  CAF_CHECK_EQUAL(r.node, "A");
  CAF_CHECK(!r.cancelled);
  auto v = view();
  CAF_REQUIRE_EQUAL(v.nodes.size(), 2u);
  CAF_CHECK_EQUAL(v.nodes[0].name, "B");  // up nodes first
  CAF_CHECK_EQUAL(v.nodes[1].name, "A");
  CAF_CHECK_EQUAL(v.nodes[1].state, "lost");
  CAF_CHECK_EQUAL(v.nodes[1].stages_lost, 1);
  CAF_CHECK_EQUAL(v.nodes[1].busy, 0);
  CAF_CHECK_EQUAL(v.lost_nodes, 1);
  CAF_CHECK_EQUAL(v.slots, 1);
  CAF_CHECK_EQUAL(v.busy, 0);
  run_stage("j1");  // the job's retry
  CAF_REQUIRE_EQUAL(fakes["B"].runs.size(), 1u);
  CAF_CHECK_EQUAL(fakes["B"].runs[0].req.job_id, "j1");
  CAF_CHECK_EQUAL(fakes["A"].runs.size(), 1u);
  finish_one("B");
  CAF_REQUIRE_EQUAL(results["j1"].size(), 2u);
  CAF_CHECK_EQUAL(results["j1"][1].exit_code, 0);
  CAF_CHECK_EQUAL(results["j1"][1].node, "B");
}

CAF_TEST(cancel answers a waiting attempt cancelled and tells the node of a placed one) {
  add_node("A", 1);
  run_stage("j1");
  run_stage("j2");
  CAF_REQUIRE_EQUAL(fakes["A"].runs.size(), 1u);
  CAF_CHECK_EQUAL(view().waiting, 1);
  CAF_CHECK_EQUAL(ask<caf::ok_atom>(registry, cancel_atom::value, std::string{"j2"}),
                  caf::ok_atom::value);
  CAF_REQUIRE_EQUAL(results["j2"].size(), 1u);
  CAF_CHECK(results["j2"][0].cancelled);
  CAF_CHECK_EQUAL(view().waiting, 0);
  CAF_CHECK(fakes["A"].cancels.empty());
  ask<caf::ok_atom>(registry, cancel_atom::value, std::string{"j1"});
  CAF_CHECK_EQUAL(fakes["A"].cancels, std::vector<uint64_t>({fakes["A"].runs[0].attempt_id}));
  CAF_CHECK(results["j1"].empty());  // the node answers it when its stage is killed
  finish_one("A", -1);
  CAF_REQUIRE_EQUAL(results["j1"].size(), 1u);
  CAF_CHECK_EQUAL(view().busy, 0);
}

CAF_TEST(a stage event from the node running the attempt reaches the requester) {
  add_node("A", 1);
  run_stage("j1");
  CAF_REQUIRE_EQUAL(fakes["A"].runs.size(), 1u);
  auto id = fakes["A"].runs[0].attempt_id;
  job_event ev;
  ev.job_id = "j1";
  ev.stage = "train";
  ev.kind = "log";
  ev.message = "fold 1 of 5";
  caf::send_as(workers["A"], registry, stage_event_atom::value, id, ev);
  sched.run();
  CAF_REQUIRE_EQUAL(events.size(), 1u);
  CAF_CHECK_EQUAL(events[0].message, "fold 1 of 5");
  CAF_CHECK_EQUAL(events[0].kind, "log");
  // no sender, or an attempt that is not running: dropped
  caf::anon_send(registry, stage_event_atom::value, id, ev);
  caf::send_as(workers["A"], registry, stage_event_atom::value, id + 100, ev);
  sched.run();
  CAF_CHECK_EQUAL(events.size(), 1u);
  finish_one("A");
  caf::send_as(workers["A"], registry, stage_event_atom::value, id, ev);
  sched.run();
  CAF_CHECK_EQUAL(events.size(), 1u);
}

CAF_TEST(a requester that dies mid-stage gets its attempt cancelled on the node) {
  add_node("A", 1);
  auto doomed = spawn_requester();
  run_stage("j1", doomed);
  CAF_REQUIRE_EQUAL(fakes["A"].runs.size(), 1u);
  caf::anon_send_exit(doomed, caf::exit_reason::kill);
  sched.run();
  CAF_CHECK_EQUAL(fakes["A"].cancels, std::vector<uint64_t>({fakes["A"].runs[0].attempt_id}));
}

CAF_TEST(a heartbeat without a sender is ignored and the registry keeps answering) {
  add_node("A", 1);
  caf::anon_send(registry, heartbeat_atom::value, std::string{"A"}, int32_t{0});
  sched.run();
  auto v = view();
  CAF_REQUIRE(node_in(v, "A"));
  CAF_CHECK_EQUAL(node_in(v, "A")->state, "up");
  // a heartbeat from the node itself is taken
  caf::send_as(workers["A"], registry, heartbeat_atom::value, std::string{"A"}, int32_t{0});
  sched.run();
  CAF_CHECK_EQUAL(view().nodes.size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
