#include "http/bridge.hpp"

#include <memory>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "http/json_views.hpp"
#include "http/ws_frames.hpp"

namespace kagent::http {

namespace {

namespace bhttp = boost::beast::http;

// What every handler needs; copied into the continuations it creates.
struct bridge_env {
  caf::event_based_actor* self;
  backends b;
  server_info info;
  std::chrono::milliseconds timeout;

  response fail(const char* what, const caf::error& err) const {
    if (code_of(err) == errc::internal)
      get_logger("http")->warn("backend error call={} error={}", what, detail_of(err));
    return error_response(err, info.retry_after_s);
  }
};

using job_fn = std::function<void(job_record&)>;

// A job by id: live jobs from the supervisor, the rest from the database.
// The supervisor's failure of any kind falls back to the database, which
// knows every committed job.
void with_job(const bridge_env& env, const std::string& id, job_fn on_job, reply_fn done) {
  env.self->request(env.b.supervisor, env.timeout, get_atom::value, id)
    .then([on_job](job_record& job) { on_job(job); },
          [env, id, on_job, done](caf::error&) {
            env.self->request(env.b.db_reader, env.timeout, get_atom::value, id)
              .then([on_job](job_record& job) { on_job(job); },
                    [env, done](caf::error& err) {
                      done(code_of(err) == errc::not_found ? job_not_found()
                                                           : env.fail("get", err));
                    });
          });
}

void submit(const bridge_env& env, const api_call& c, reply_fn done) {
  env.self->request(env.b.admission, env.timeout, submit_atom::value, c.url, std::string{},
                    c.time_budget_s)
    .then([done](job_record& job) { done(json_response(201, created_json(job))); },
          [env, done](caf::error& err) { done(env.fail("submit", err)); });
}

void submission(const bridge_env& env, const api_call& c, reply_fn done) {
  with_job(env, c.job_id, [env, done](job_record& job) {
    if (job.status != status::success)
      return done(error_response(400, "Job is not complete. Current status: " + job.status));
    env.self
      ->request(env.b.db_reader, env.timeout, artifact_atom::value, job.id,
                std::string{"submission.csv"})
      .then(
        [done](std::string& csv) {
          auto res = make_response(200, std::move(csv), "text/csv");
          res.set(bhttp::field::content_disposition, "attachment; filename=\"submission.csv\"");
          done(std::move(res));
        },
        [env, done](caf::error& err) {
          done(code_of(err) == errc::not_found ? error_response(404, "submission.csv not found")
                                               : env.fail("artifact", err));
        });
  }, done);
}

void solution(const bridge_env& env, const api_call& c, reply_fn done) {
  with_job(env, c.job_id, [env, done](job_record& job) {
    env.self->request(env.b.db_reader, env.timeout, checkpoint_atom::value, job.id)
      .then(
        [done](checkpoints& cps) {
          auto stage = cps.find("generate");
          if (stage == cps.end() || stage->second.count("solution.py") == 0)
            return done(error_response(404, "solution.py not available"));
          auto res = make_response(200, std::move(stage->second["solution.py"]),
                                   "text/x-python");
          res.set(bhttp::field::content_disposition, "attachment; filename=\"solution.py\"");
          done(std::move(res));
        },
        [env, done](caf::error& err) {
          done(code_of(err) == errc::not_found ? error_response(404, "solution.py not available")
                                               : env.fail("checkpoint", err));
        });
  }, done);
}

void logs(const bridge_env& env, const api_call& c, reply_fn done) {
  with_job(env, c.job_id, [env, done](job_record& job) {
    auto id = job.id;
    env.self->request(env.b.db_reader, env.timeout, events_atom::value, id, int64_t{0})
      .then([id, done](std::vector<job_event>& evs) { done(json_response(200, logs_json(id, evs))); },
            [env, done](caf::error& err) { done(env.fail("events", err)); });
  }, done);
}

void list(const bridge_env& env, const api_call& c, reply_fn done) {
  // db_reader takes the limit as int64_t (actors/db_reader.cpp).
  env.self
    ->request(env.b.db_reader, env.timeout, list_atom::value, c.status_filter,
              int64_t{c.limit})
    .then([done](job_list& xs) { done(json_response(200, list_json(xs))); },
          [env, done](caf::error& err) { done(env.fail("list", err)); });
}

void cancel(const bridge_env& env, const api_call& c, reply_fn done) {
  env.self->request(env.b.supervisor, env.timeout, cancel_atom::value, c.job_id)
    .then([done](job_record& job) { done(json_response(200, status_json(job))); },
          [env, done](caf::error& err) {
            done(code_of(err) == errc::not_found ? job_not_found() : env.fail("cancel", err));
          });
}

// Asks the database and admission at once; answers when both have.
void health(const bridge_env& env, reply_fn done) {
  struct parts {
    health_view view;
    int pending = 2;
  };
  auto p = std::make_shared<parts>();
  p->view.sandbox_mode = env.info.sandbox_mode;
  p->view.sandbox_limits = env.info.sandbox_limits;
  auto finish = [p, done] {
    if (--p->pending > 0)
      return;
    p->view.now_ms = now_ms();
    done(json_response(is_healthy(p->view) ? 200 : 503, health_json(p->view)));
  };
  env.self->request(env.b.db_reader, env.timeout, ping_atom::value)
    .then([p, finish](caf::ok_atom) {
            p->view.database_ok = true;
            finish();
          },
          [p, finish](caf::error& err) {
            p->view.database_detail = detail_of(err);
            finish();
          });
  env.self->request(env.b.admission, env.timeout, stats_atom::value)
    .then([p, finish](admission_stats& s) {
            p->view.admission_ok = true;
            p->view.stats = s;
            finish();
          },
          [finish](caf::error&) { finish(); });
}

// Asks admission and the hub at once; answers when both have.
void metrics(const bridge_env& env, const api_call& c, reply_fn done) {
  struct parts {
    metrics_view view;
    int pending = 2;
  };
  auto p = std::make_shared<parts>();
  p->view.http_in_flight = c.http_in_flight;
  p->view.http_sessions = c.http_sessions;
  p->view.ws_sessions = c.ws_sessions;
  auto finish = [p, done] {
    if (--p->pending == 0)
      done(make_response(200, metrics_text(p->view), "text/plain; version=0.0.4"));
  };
  env.self->request(env.b.admission, env.timeout, stats_atom::value)
    .then([p, finish](admission_stats& s) {
            p->view.admission_ok = true;
            p->view.admission = s;
            finish();
          },
          [finish](caf::error&) { finish(); });
  if (!env.b.hub)
    return finish();
  env.self->request(env.b.hub, env.timeout, stats_atom::value)
    .then([p, finish](hub_stats& s) {
            p->view.hub_ok = true;
            p->view.hub = s;
            finish();
          },
          [finish](caf::error&) { finish(); });
}

caf::behavior bridge(caf::event_based_actor* self, backends b, server_info info,
                     std::chrono::milliseconds timeout) {
  bridge_env env{self, std::move(b), std::move(info), timeout};
  return {
    [env](http_call_atom, const api_call& c, const reply_fn& done) {
      switch (c.kind) {
        case api_kind::submit: return submit(env, c, done);
        case api_kind::status:
          return with_job(env, c.job_id,
                          [done](job_record& job) { done(json_response(200, status_json(job))); },
                          done);
        case api_kind::submission: return submission(env, c, done);
        case api_kind::solution: return solution(env, c, done);
        case api_kind::logs: return logs(env, c, done);
        case api_kind::list: return list(env, c, done);
        case api_kind::health: return health(env, done);
        case api_kind::cancel: return cancel(env, c, done);
        case api_kind::ws_job:
          // The session upgrades on a 200; the body is not sent.
          return with_job(env, c.job_id,
                          [done](job_record& job) { done(json_response(200, status_json(job))); },
                          done);
        case api_kind::ws_jobs: return done(json_response(200, "{}"));
        case api_kind::metrics: return metrics(env, c, done);
      }
      done(error_response(500, "unknown call"));
    },
  };
}

} // namespace

caf::actor spawn_bridge(caf::actor_system& sys, backends b, server_info info,
                        std::chrono::milliseconds timeout) {
  return sys.spawn(bridge, std::move(b), std::move(info), timeout);
}

} // namespace kagent::http
