// Fake backend actors for the real-socket tests: they answer the protocol of
// actors/messages.hpp with canned jobs and errors, count what they are asked,
// and one of them (the slow supervisor) holds its answers until released.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/messages.hpp"
#include "core/error.hpp"

namespace kagent::http::test {

constexpr const char* live_id = "11111111-1111-4111-8111-111111111111";   // running, supervisor
constexpr const char* done_id = "22222222-2222-4222-8222-222222222222";   // success, database
constexpr const char* queued_id = "33333333-3333-4333-8333-333333333333"; // queued, database
constexpr const char* unknown_id = "44444444-4444-4444-8444-444444444444";
constexpr const char* new_id = "55555555-5555-4555-8555-555555555555";    // made by submit

/// What the fakes were asked, and switches that change their answers.
struct fake_state {
  std::atomic<int> supervisor_gets{0};
  std::atomic<int> db_gets{0};
  std::atomic<bool> db_down{false};
  std::atomic<int> held{0};  ///< requests the slow supervisor holds
};

using release_atom = caf::atom_constant<caf::atom("release")>;

inline job_record fake_job(const std::string& id, const std::string& status,
                           const std::string& stage) {
  job_record j;
  j.id = id;
  j.url = "https://www.kaggle.com/competitions/titanic";
  j.competition = "titanic";
  j.status = status;
  j.stage = stage;
  j.attempt = stage.empty() ? 0 : 1;
  j.created_at = 1700000000000;
  if (status != "queued")
    j.started_at = 1700000001000;
  if (status == "success" || status == "cancelled")
    j.completed_at = 1700000002000;
  return j;
}

inline caf::actor spawn_fake_admission(caf::actor_system& sys) {
  return sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {
      [](submit_atom, const submit_request& req) -> caf::result<job_record> {
        auto& url = req.url;
        if (url.find("full") != std::string::npos)
          return make_error(errc::queue_full, "queue is full (max_queued=1)");
        if (url.find("kaggle.com/competitions/") == std::string::npos)
          return make_error(errc::invalid_input, "not a Kaggle competition URL");
        return fake_job(new_id, "queued", "");
      },
      [](stats_atom) {
        admission_stats s;
        s.queued = 3;
        s.running = 1;
        s.max_queued = 10;
        s.max_running = 2;
        return s;
      },
    };
  });
}

inline caf::actor spawn_fake_supervisor(caf::actor_system& sys, std::shared_ptr<fake_state> st) {
  return sys.spawn([st](caf::event_based_actor*) -> caf::behavior {
    return {
      [st](get_atom, const std::string& id) -> caf::result<job_record> {
        ++st->supervisor_gets;
        if (id == live_id) {
          auto j = fake_job(id, "running", "train");
          j.metadata = R"({"progress":0.8,"message":"fold 4/5"})";
          return j;
        }
        return make_error(errc::not_found, "not live");
      },
      [](cancel_atom, const std::string& id) -> caf::result<job_record> {
        if (id == live_id)
          return fake_job(id, "cancelled", "train");
        if (id == done_id)
          return make_error(errc::conflict, "job already finished: success");
        return make_error(errc::not_found, "no such job");
      },
    };
  });
}

inline caf::actor spawn_fake_db_reader(caf::actor_system& sys, std::shared_ptr<fake_state> st) {
  return sys.spawn([st](caf::event_based_actor*) -> caf::behavior {
    return {
      [st](get_atom, const std::string& id) -> caf::result<job_record> {
        ++st->db_gets;
        if (id == done_id)
          return fake_job(id, "success", "train");
        if (id == queued_id)
          return fake_job(id, "queued", "");
        return make_error(errc::not_found, "no such job");
      },
      [](list_atom, const std::string& filter, int64_t limit, const std::string&) {
        job_list xs;
        xs.total = 2;
        xs.jobs = {fake_job(queued_id, "queued", ""), fake_job(done_id, "success", "train")};
        if (limit < 2)
          xs.jobs.resize(static_cast<size_t>(limit));
        if (!filter.empty())
          xs.jobs.clear();
        return xs;
      },
      [](events_atom, const std::string& id, int64_t) {
        std::vector<job_event> evs;
        if (id == done_id) {
          evs.push_back({id, 1, 1700000000000, "analyze", "stage_started", "attempt 1", -1});
          evs.push_back({id, 2, 1700000001000, "train", "stage_finished", "ok", -1});
        }
        return evs;
      },
      [](artifact_atom, const std::string& id,
         const std::string& name) -> caf::result<std::string> {
        if (id == done_id && name == "submission.csv")
          return std::string{"PassengerId,Survived\n892,0\n"};
        return make_error(errc::not_found, "no file");
      },
      [](checkpoint_atom, const std::string& id) {
        checkpoints cps;
        if (id == done_id)
          cps["generate"]["solution.py"] = "print('hello')\n";
        return cps;
      },
      [st](ping_atom) -> caf::result<caf::ok_atom> {
        if (st->db_down)
          return make_error(errc::db_unavailable, "database unavailable");
        return caf::ok_atom::value;
      },
    };
  });
}

struct slow_state {
  std::vector<caf::typed_response_promise<job_record>> held;
};

/// A supervisor that holds every get until (release_atom).
inline caf::actor spawn_slow_supervisor(caf::actor_system& sys, std::shared_ptr<fake_state> st) {
  return sys.spawn([st](caf::stateful_actor<slow_state>* self) -> caf::behavior {
    return {
      [=](get_atom, const std::string& id) -> caf::result<job_record> {
        auto rp = self->make_response_promise<job_record>();
        self->state.held.push_back(rp);
        ++st->held;
        return rp;
      },
      [=](release_atom) {
        for (auto& rp : self->state.held)
          rp.deliver(fake_job(live_id, "running", "plan"));
        st->held -= static_cast<int>(self->state.held.size());
        self->state.held.clear();
      },
    };
  });
}

} // namespace kagent::http::test
