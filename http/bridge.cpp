#include "http/bridge.hpp"
#include "http/stage_files.hpp"

#include <memory>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "http/json_views.hpp"
#include "http/metrics_figures.hpp"
#include "metrics/exposition.hpp"
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
using principal_fn = std::function<void(const principal&)>;

// Who the call acts for: the key store's answer (401 when it refuses).
// Without a key store (tests) every call is the keyless principal.
void authenticated(const bridge_env& env, const api_call& c, principal_fn go, reply_fn done) {
  if (!env.b.key_store)
    return go(principal{});
  env.self->request(env.b.key_store, env.timeout, authenticate_atom::value, c.key_hash)
    .then([go](principal& p) { go(p); },
          [env, done](caf::error& err) { done(env.fail("authenticate", err)); });
}

// A job by id from the supervisor, which answers from actor state (live,
// finished here, queued) and otherwise from the database
// (actors/job_supervisor.hpp). Its failure of any kind falls back to the
// database, which knows every committed job (an unknown id is read twice,
// for a 404). Another key's job is 404, as if it did not exist (its id says
// nothing).
void with_job(const bridge_env& env, const principal& who, const std::string& id, job_fn on_job,
              reply_fn done) {
  job_fn mine = [who, on_job, done](job_record& job) {
    if (!may_see(who, job.owner))
      return done(job_not_found());
    on_job(job);
  };
  env.self->request(env.b.supervisor, env.timeout, get_atom::value, id)
    .then([mine](job_record& job) { mine(job); },
          [env, id, mine, done](caf::error&) {
            env.self->request(env.b.db_reader, env.timeout, get_atom::value, id)
              .then([mine](job_record& job) { mine(job); },
                    [env, done](caf::error& err) {
                      done(code_of(err) == errc::not_found ? job_not_found()
                                                           : env.fail("get", err));
                    });
          });
}

void submit(const bridge_env& env, const principal& who, const api_call& c, reply_fn done) {
  submit_request req{c.url, who.owner, who.keyed, c.time_budget_s, c.idempotency_key,
                     c.request_hash};
  env.self->request(env.b.admission, env.timeout, submit_atom::value, std::move(req))
    .then([done](job_record& job) { done(json_response(201, created_json(job))); },
          [env, done](caf::error& err) { done(env.fail("submit", err)); });
}

void submission(const bridge_env& env, const principal& who, const api_call& c, reply_fn done) {
  with_job(env, who, c.job_id, [env, done](job_record& job) {
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

// A file a stage committed (http/stage_files.hpp), from the job's checkpoints.
void stage_file(const bridge_env& env, const principal& who, const api_call& c, reply_fn done) {
  const auto* file = find_stage_file(c.file);
  if (file == nullptr)
    return done(error_response(404, "Not Found"));
  auto missing = std::string{file->name} + " not available";
  with_job(env, who, c.job_id, [env, done, file, missing](job_record& job) {
    env.self->request(env.b.db_reader, env.timeout, checkpoint_atom::value, job.id)
      .then(
        [done, file, missing](checkpoints& cps) {
          auto stage = cps.find(file->stage);
          if (stage == cps.end() || stage->second.count(file->name) == 0)
            return done(error_response(404, missing));
          auto res = make_response(200, std::move(stage->second[file->name]),
                                   file->content_type);
          res.set(bhttp::field::content_disposition,
                  std::string{"attachment; filename=\""} + file->name + "\"");
          done(std::move(res));
        },
        [env, done, missing](caf::error& err) {
          done(code_of(err) == errc::not_found ? error_response(404, missing)
                                               : env.fail("checkpoint", err));
        });
  }, done);
}

void logs(const bridge_env& env, const principal& who, const api_call& c, reply_fn done) {
  with_job(env, who, c.job_id, [env, done](job_record& job) {
    auto id = job.id;
    env.self->request(env.b.db_reader, env.timeout, events_atom::value, id, int64_t{0})
      .then([id, done](std::vector<job_event>& evs) { done(json_response(200, logs_json(id, evs))); },
            [env, done](caf::error& err) { done(env.fail("events", err)); });
  }, done);
}

void list(const bridge_env& env, const principal& who, const api_call& c, reply_fn done) {
  // db_reader takes the limit as int64_t (actors/db_reader.cpp); a key that
  // is not admin lists only its own jobs.
  auto owner = who.keyed && !who.admin ? who.owner : std::string{};
  env.self
    ->request(env.b.db_reader, env.timeout, list_atom::value, c.status_filter,
              int64_t{c.limit}, owner)
    .then([done](job_list& xs) { done(json_response(200, list_json(xs))); },
          [env, done](caf::error& err) { done(env.fail("list", err)); });
}

void cancel(const bridge_env& env, const principal& who, const api_call& c, reply_fn done) {
  // Whose job it is, first: another key's job cannot be cancelled (404).
  with_job(env, who, c.job_id, [env, done](job_record& job) {
    env.self->request(env.b.supervisor, env.timeout, cancel_atom::value, job.id)
      .then([done](job_record& job) { done(json_response(200, status_json(job))); },
            [env, done](caf::error& err) {
              done(code_of(err) == errc::not_found ? job_not_found() : env.fail("cancel", err));
            });
  }, done);
}

// A finished job's submission to Kaggle: the job as the supervisor or the
// database knows it, then the submitter; Kaggle's answer comes back on it.
void kaggle_submit(const bridge_env& env, const principal& who, const api_call& c,
                   reply_fn done) {
  with_job(env, who, c.job_id, [env, c, done](job_record& job) {
    if (job.status != status::success)
      return done(error_response(400, "Job is not complete. Current status: " + job.status));
    if (!env.b.kaggle)
      return done(error_response(409, "Kaggle submissions are not available on this server"));
    auto message = c.message.empty() ? "kagent job " + job.id : c.message;
    // Kaggle may take a while to take the file: three backend timeouts.
    env.self->request(env.b.kaggle, env.timeout * 3, kaggle_submit_atom::value, job, message)
      .then([done](job_record& rec) { done(json_response(200, status_json(rec))); },
            [env, done](caf::error& err) { done(env.fail("kaggle_submit", err)); });
  }, done);
}

// The answer to a /ws/jobs upgrade: 200, and whose jobs the stream may show.
response jobs_stream(const principal& who) {
  auto res = json_response(200, "{}");
  res.set(internal_owner_header, who.owner);
  res.set(internal_all_header, !who.keyed || who.admin ? "1" : "0");
  return res;
}

// Asks the database, admission and persistence at once; answers when all have.
void health(const bridge_env& env, reply_fn done) {
  struct parts {
    health_view view;
    int pending = 4;
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
  if (!env.b.key_store) {
    finish();
  } else {
    env.self->request(env.b.key_store, env.timeout, stats_atom::value)
      .then([p, finish](key_store_stats& s) {
              p->view.keys = s;
              finish();
            },
            [finish](caf::error&) { finish(); });
  }
  if (!env.b.persistence)
    return finish();
  env.self->request(env.b.persistence, env.timeout, stats_atom::value)
    .then([p, finish](persistence_stats& s) {
            p->view.persistence_ok = true;
            p->view.writes = s;
            finish();
          },
          [finish](caf::error&) { finish(); });
}

// Asks admission, the registry and the hub at once; answers when all have.
// The families updated where their events happen come from the registry.
void metrics(const bridge_env& env, const api_call& c, reply_fn done) {
  struct parts {
    metrics::state_view view;
    int pending = 3;
  };
  auto p = std::make_shared<parts>();
  p->view.http_in_flight = c.http_in_flight;
  p->view.http_sessions = c.http_sessions;
  p->view.ws_sessions = c.ws_sessions;
  auto registry = env.info.metrics;
  auto finish = [p, done, registry] {
    if (--p->pending == 0)
      done(make_response(200, registry->exposition(p->view),
                         metrics::exposition_content_type));
  };
  env.self->request(env.b.admission, env.timeout, stats_atom::value)
    .then([p, finish](admission_stats& s) {
            p->view.admission = figures_of(s);
            finish();
          },
          [finish](caf::error&) { finish(); });
  if (!env.b.registry) {
    finish();
  } else {
    env.self->request(env.b.registry, env.timeout, list_atom::value)
      .then([p, finish](cluster::cluster_view& v) {
              p->view.cluster = figures_of(v);
              finish();
            },
            [finish](caf::error&) { finish(); });
  }
  if (!env.b.hub)
    return finish();
  env.self->request(env.b.hub, env.timeout, stats_atom::value)
    .then([p, finish](hub_stats& s) {
            p->view.hub = figures_of(s);
            finish();
          },
          [finish](caf::error&) { finish(); });
}

// The node registry's view: nodes, their slots and state.
void cluster(const bridge_env& env, reply_fn done) {
  if (!env.b.registry)
    return done(error_response(404, "No node registry on this server"));
  env.self->request(env.b.registry, env.timeout, list_atom::value)
    .then([done](cluster::cluster_view& v) { done(json_response(200, cluster_json(v))); },
          [env, done](caf::error& err) { done(env.fail("cluster", err)); });
}

caf::behavior bridge(caf::event_based_actor* self, backends b, server_info info,
                     std::chrono::milliseconds timeout) {
  info.metrics = metrics::or_private(std::move(info.metrics));
  bridge_env env{self, std::move(b), std::move(info), timeout};
  return {
    [env](http_call_atom, const api_call& c, const reply_fn& done) {
      // Health and metrics are open (probes); everything else acts for a key.
      if (c.kind == api_kind::health)
        return health(env, done);
      if (c.kind == api_kind::metrics)
        return metrics(env, c, done);
      authenticated(env, c, [env, c, done](const principal& who) {
        switch (c.kind) {
          case api_kind::submit: return submit(env, who, c, done);
          case api_kind::status:
          case api_kind::ws_job:
            // For ws_job the session upgrades on a 200; the body is not sent.
            return with_job(env, who, c.job_id,
                            [done](job_record& job) { done(json_response(200, status_json(job))); },
                            done);
          case api_kind::submission: return submission(env, who, c, done);
          case api_kind::stage_file: return stage_file(env, who, c, done);
          case api_kind::logs: return logs(env, who, c, done);
          case api_kind::list: return list(env, who, c, done);
          case api_kind::cancel: return cancel(env, who, c, done);
          case api_kind::ws_jobs: return done(jobs_stream(who));
          case api_kind::kaggle_submit: return kaggle_submit(env, who, c, done);
          case api_kind::cluster: return cluster(env, done);
          case api_kind::health:
          case api_kind::metrics: break;
        }
        done(error_response(500, "unknown call"));
      }, done);
    },
  };
}

} // namespace

caf::actor spawn_bridge(caf::actor_system& sys, backends b, server_info info,
                        std::chrono::milliseconds timeout) {
  return sys.spawn(bridge, std::move(b), std::move(info), timeout);
}

} // namespace kagent::http
