// kagentd: wires the actors, the database and the HTTP server together, then
// waits for SIGINT/SIGTERM and shuts down in order: no new work, drain HTTP, stop jobs, flush the database.
#include <csignal>
#include <cstring>
#include <iostream>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/admission.hpp"
#include "actors/db_reader.hpp"
#include "actors/job_supervisor.hpp"
#include "actors/kaggle_submitter.hpp"
#include "actors/key_store.hpp"
#include "actors/launcher.hpp"
#include "actors/messages.hpp"
#include "actors/persistence.hpp"
#include "actors/progress_hub.hpp"
#include "cluster/file_server.hpp"
#include "cluster/head_link.hpp"
#include "cluster/node_registry.hpp"
#include "cluster/protocol.hpp"
#include "cluster/tls.hpp"
#include "cluster/tls_tunnel.hpp"
#include "cluster/worker_health.hpp"
#include "cluster/worker_node.hpp"
#include "config/kagent_config.hpp"
#include "config/option_docs.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/log_format.hpp"
#include "http/server.hpp"
#include "metrics/registry.hpp"
#include "persistence/embedded_postgres.hpp"
#include "persistence/key_repository.hpp"
#include "persistence/migrations.hpp"
#include "persistence/pg_connection.hpp"
#include "proxy/llm_proxy.hpp"
#include "sandbox/self_check.hpp"
#include "sandbox/stage_launch.hpp"
#include "sources/competition_store.hpp"
#include "tools/keys_command.hpp"

using namespace kagent;

namespace {

std::string host_name() {
  char buf[256] = {0};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}

// The error goes to the log; with text logs also as a plain line for people
// (json logs stay one object per line).
bool plain_errors = true;

int fail(const std::string& what) {
  get_logger("kagentd")->error("{}", what);
  if (plain_errors)
    std::cerr << "kagentd: " << what << std::endl;
  return 2;
}

// Removes the stage cgroup root when run() returns, after every actor (and
// so every stage) is gone: `spawned` is declared later and destroyed first.
struct host_guard {
  const sandbox::host_setup& host;
  ~host_guard() { sandbox::teardown_host(host); }
};

// Actors spawned by run(). When run() returns, on every path, each is told to
// exit and waited for, newest first (admission before the supervisor before
// persistence), because ~actor_system waits for every actor and persistence
// must flush before the database stops.
struct spawned {
  caf::actor_system& sys;
  std::vector<caf::actor> actors;
  caf::actor add(caf::actor a) {
    actors.push_back(a);
    return a;
  }
  ~spawned() {
    caf::scoped_actor self{sys};
    for (auto i = actors.rbegin(); i != actors.rend(); ++i) {
      self->send_exit(*i, caf::exit_reason::user_shutdown);
      self->wait_for(*i);
    }
  }
};

cluster::tls_files tls_of(const cluster_options& c) {
  return {c.tls_cert, c.tls_key, c.tls_ca};
}

std::string node_name(const cluster_options& c) {
  return c.node_name.empty() ? host_name() : c.node_name;
}

// One node's stage slots on this host; `llm_socket` only for the head's own.
cluster::worker_options node_options(const server_options& opts, const sandbox::host_setup& host,
                                     const std::string& name, size_t slots,
                                     const std::string& llm_socket) {
  cluster::worker_options wo;
  wo.name = name;
  wo.slots = static_cast<int32_t>(slots);
  wo.version = KAGENT_VERSION;
  wo.data_dir = opts.pipeline.data_dir;
  wo.launcher = {opts.sandbox, host, opts.pipeline.stage_bin, opts.pipeline.python, name,
                 opts.pipeline.data_dir + "/logs", llm_socket};
  return wo;
}

// A worker: launcher slots behind the worker interface, joined to a head;
// no database, no mirrors, no secrets.
int run_worker(caf::actor_system& sys, const server_options& opts, const sigset_t& stop_signals) {
  auto log = get_logger("kagentd");
  auto host = sandbox::setup_host(opts.sandbox);
  if (!host)
    return fail(host.error());
  host_guard cgroups{*host};
  if (auto ok = sandbox::check_sandbox(opts.sandbox, *host); !ok)
    return fail(ok.error());
  auto where = cluster::parse_host_port(opts.cluster.join);
  if (!where)
    return fail("--join must be HOST:PORT, got '" + opts.cluster.join + "'");
  mkdir(opts.pipeline.data_dir.c_str(), 0755);
  auto name = node_name(opts.cluster);
  auto wo = node_options(opts, *host, name, opts.cluster.slots, "");
  // With TLS the head link speaks BASP to the local end of a tunnel.
  std::unique_ptr<cluster::tls_tunnel> tunnel;
  if (tls_of(opts.cluster).enabled()) {
    auto t = cluster::tls_tunnel::dial(tls_of(opts.cluster), where->first, where->second);
    if (!t)
      return fail("cluster TLS: " + t.error());
    tunnel = std::move(*t);
    where->first = "127.0.0.1";
    where->second = tunnel->local_port();
  }
  spawned all{sys, {}};
  auto node = cluster::spawn_worker_node(sys, wo);
  all.actors.push_back(caf::actor_cast<caf::actor>(node));
  auto health = cluster::worker_health::start(sys, opts.http.host, opts.http.port, node, name);
  if (!health)
    return fail("HTTP: " + health.error());
  // What GET /cluster shows operators: where this worker's /health answers.
  auto any = opts.http.host == "0.0.0.0" || opts.http.host == "::";
  wo.address = (any ? host_name() : opts.http.host) + ":" + std::to_string((*health)->port());
  all.add(cluster::spawn_head_link(sys, {where->first, where->second, cluster::hello_of(wo)},
                                   node));
  log->info("kagentd worker name={} slots={} joining={} health={}:{} sandbox={} {}", name,
            wo.slots, opts.cluster.join, opts.http.host, (*health)->port(), opts.sandbox.mode,
            host->describe(opts.sandbox));
  int sig = 0;
  sigwait(&stop_signals, &sig);
  log->info("shutting down signal={}", sig);
  (*health)->stop();
  return 0;
}

int run(caf::actor_system& sys, const server_options& opts, const sigset_t& stop_signals) {
  auto log = get_logger("kagentd");
  auto started_ms = now_ms();  // start-up phases are logged in ms since (issue 13)
  auto host = sandbox::setup_host(opts.sandbox);
  if (!host)
    return fail(host.error());
  host_guard cgroups{*host};
  if (auto ok = sandbox::check_sandbox(opts.sandbox, *host); !ok)
    return fail(ok.error());
  auto limits = host->describe(opts.sandbox);
  if (host->cgroups)
    log->info("sandbox mode={} {}", opts.sandbox.mode, limits);
  else
    log->error("sandbox mode={} {}", opts.sandbox.mode, limits);
  // Database: the configured server, or a private cluster in the data dir.
  std::optional<pg::embedded_postgres> embedded;
  auto conninfo = opts.database.url;
  if (conninfo.empty()) {
    auto pg = pg::embedded_postgres::start(
      {opts.pipeline.data_dir, opts.database.pg_dir, opts.database.pg_bin});
    if (!pg)
      return fail("embedded PostgreSQL: " + detail_of(pg.error()));
    embedded.emplace(std::move(*pg));
    conninfo = embedded->conninfo();
    log->info("embedded PostgreSQL up ms={}", now_ms() - started_ms);
  }
  std::vector<api_key_entry> keys;
  {
    auto conn = pg::connection::open(conninfo);
    if (!conn)
      return fail("database: " + detail_of(conn.error()));
    if (auto err = pg::migrate(*conn))
      return fail("schema migration: " + detail_of(err));
    auto live = pg::live_keys(*conn);
    if (!live)
      return fail("api keys: " + detail_of(live.error()));
    keys = std::move(*live);
  }
  log->info("database ready ms={}", now_ms() - started_ms);
  // Without keys anyone who reaches the port owns every job: only loopback.
  bool loopback = is_loopback_host(opts.http.host);
  if (keys.empty() && !loopback)
    return fail("refusing to listen on " + opts.http.host + " without API keys; create one "
                "with `kagentd keys create --name=NAME` or listen on 127.0.0.1");
  if (keys.empty())
    log->warn("no API keys: serving loopback only, and every client sees every job "
              "(kagentd keys create --name=NAME turns keys on)");
  auto node = node_name(opts.cluster);
  bool head = opts.cluster.role == "head";
  if (head && opts.pipeline.llm.enabled() && opts.cluster.local_slots == 0)
    return fail("an LLM needs --local-slots of at least 1 on the head: its stages reach the "
                "LLM proxy (and its key) on the head only");
  spawned all{sys, {}};
  // The LLM's one way in and out of the sandboxes; added early, so it stops
  // after the launchers.
  if (opts.pipeline.llm.enabled()) {
    auto& llm = opts.pipeline.llm;
    auto proxy = spawn_llm_proxy(sys, {llm.socket, host->user, *parse_llm_dialect(llm.dialect),
                                       llm.url, opts.llm_key, llm.timeout_s + 30});
    if (!proxy)
      return fail(detail_of(proxy.error()));
    all.add(*proxy);
    log->info("llm on dialect={} model={} repair_rounds={}", llm.dialect, llm.model,
              llm.repair_rounds);
  }
  // One registry for the process: the families it holds are updated where
  // their events happen and exported by GET /metrics.
  auto metrics_registry = std::make_shared<metrics::registry>();
  auto writers = spawn_persistence_pool(sys, conninfo, static_cast<size_t>(opts.database.writers),
                                        metrics_registry);
  for (auto& w : writers.writers)
    all.add(w);
  auto persistence = all.add(writers.front);
  auto readers = all.add(spawn_db_readers(sys, conninfo, opts.database.readers));
  // Every node joins the registry, this one's own too (standalone: all of
  // it); job actors send their stages to the registry.
  auto files = cluster::spawn_file_server(sys);
  all.actors.push_back(caf::actor_cast<caf::actor>(files));
  auto registry = cluster::spawn_node_registry(
    sys, {node, opts.cluster.heartbeat_ms * 4, 64}, files);
  all.actors.push_back(caf::actor_cast<caf::actor>(registry));
  auto local_slots = head ? opts.cluster.local_slots : opts.admission.max_running;
  if (local_slots > 0) {
    auto wo = node_options(opts, *host, node, local_slots, opts.pipeline.llm.socket);
    auto local = cluster::spawn_worker_node(sys, wo);
    all.actors.push_back(caf::actor_cast<caf::actor>(local));
    caf::scoped_actor self{sys};
    cluster::join_ack ack;
    self->request(registry, std::chrono::seconds(10), cluster::join_atom::value,
                  cluster::hello_of(wo), caf::actor_cast<cluster::worker_actor>(local))
      .receive([&](cluster::join_ack& a) { ack = a; },
               [&](caf::error& e) { ack.reason = sys.render(e); });
    if (!ack.accepted)
      return fail("the local node could not join: " + ack.reason);
    self->send(local, cluster::connected_atom::value,
               caf::actor_cast<cluster::head_actor>(registry), node, int64_t{60000});
  }
  std::unique_ptr<cluster::tls_tunnel> tunnel;
  if (head) {
    // With TLS, BASP listens on loopback only and the tunnel owns the port.
    bool tls = tls_of(opts.cluster).enabled();
    auto basp_host = tls ? std::string{"127.0.0.1"} : opts.cluster.host;
    uint16_t basp_port = tls ? 0 : opts.cluster.port;
    caf::scoped_actor self{sys};
    std::string err;
    self->request(sys.middleman().actor_handle(), std::chrono::seconds(10),
                  caf::publish_atom::value, basp_port,
                  caf::actor_cast<caf::strong_actor_ptr>(caf::actor_cast<cluster::head_actor>(registry)),
                  sys.message_types<cluster::head_actor>(), basp_host, true)
      .receive([&](uint16_t actual) { basp_port = actual; },
               [&](caf::error& e) { err = sys.render(e); });
    if (!err.empty())
      return fail("cluster port " + opts.cluster.host + ":" + std::to_string(opts.cluster.port)
                  + ": " + err);
    if (tls) {
      auto t = cluster::tls_tunnel::serve(tls_of(opts.cluster), opts.cluster.host,
                                          opts.cluster.port, basp_port);
      if (!t)
        return fail("cluster TLS: " + t.error());
      tunnel = std::move(*t);
    }
    log->info("cluster port open host={} port={} tls={} local_slots={}", opts.cluster.host,
              opts.cluster.port, tls_of(opts.cluster).enabled(), local_slots);
  }
  auto hub = all.add(spawn_progress_hub(sys));
  auto kaggle = sources::load_kaggle_credentials();
  if (!kaggle)
    return fail(detail_of(kaggle.error()));
  if (*kaggle && (*kaggle)->file_readable_by_others)
    log->warn("kaggle credentials readable by other users file={} (chmod 600 it)",
              (*kaggle)->origin);
  auto store = sources::spawn_competition_store(sys, opts.sources, *kaggle);
  all.actors.push_back(caf::actor_cast<caf::actor>(store));
  auto supervisor = all.add(spawn_job_supervisor(
    sys, {caf::actor_cast<caf::actor>(registry), persistence, readers, opts.pipeline, node, 3, hub,
          store, host->user, metrics_registry}));
  auto admission_opts = opts.admission;
  admission_opts.max_running = local_slots;  // the registry tells it every change
  auto admission = all.add(spawn_admission(sys, admission_opts, persistence, supervisor, readers));
  caf::anon_send(registry, capacity_atom::value, admission);
  auto key_store = all.add(spawn_key_store(sys, std::move(keys), readers, {!loopback}));
  caf::anon_send(supervisor, admission);
  // Resume every job that was accepted and not finished before the last stop:
  // only counted here, before HTTP starts (jobs accepted from now on are not
  // in the plan); admission reads them in pages in the background.
  {
    caf::scoped_actor self{sys};
    self->request(readers, std::chrono::seconds(60), resume_atom::value)
      .receive([&](resume_plan& plan) {
                 log->info("resume planned jobs={} ms={}", plan.total, now_ms() - started_ms);
                 self->send(admission, resume_atom::value, std::move(plan));
               },
               [&](caf::error& err) { log->error("resume failed: {}", sys.render(err)); });
  }
  kaggle_submitter_options submit_opts{std::nullopt, readers, persistence, supervisor};
  if (*kaggle)
    submit_opts.endpoint = sources::endpoint_for(opts.sources, **kaggle);
  auto submitter = spawn_kaggle_submitter(sys, std::move(submit_opts));
  all.actors.push_back(caf::actor_cast<caf::actor>(submitter));
  auto server = http::server::start(
    sys, opts.http,
    {admission, supervisor, readers, hub, persistence, key_store, submitter,
     caf::actor_cast<caf::actor>(registry)},
    {opts.admission.retry_after_s, opts.sandbox.mode, limits, metrics_registry});
  if (!server)
    return fail("HTTP: " + detail_of(server.error()));
  log->info("kagentd listening host={} port={} sandbox={} database={} kaggle={} ms={}",
            opts.http.host, (*server)->port(), opts.sandbox.mode,
            embedded ? "embedded" : "external",
            *kaggle ? "user " + (*kaggle)->username + " from " + (*kaggle)->origin : "off",
            now_ms() - started_ms);
  int sig = 0;
  sigwait(&stop_signals, &sig);
  log->info("shutting down signal={}", sig);
  // Order: no new work, drain HTTP, stop jobs (they resume on next start),
  // flush persistence, stop the database.
  caf::anon_send(admission, drain_atom::value);
  (*server)->stop(std::chrono::seconds(5));
  // Job actors are not linked to anything: end them with the supervisor's
  // launchers gone, their rows stay 'running' and resume on the next start.
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  // What kagentd makes for stages (staging mounts, job and cache folders)
  // must be reachable by the stage user whatever umask we inherited (077
  // made bwrap fail: "Can't find source path"); private files set their
  // own modes.
  umask(022);
  if (is_keys_command(argc, argv))
    return run_keys_command(argc, argv);
  kagent_config cfg;
  add_message_types(cfg);
  cluster::add_message_types(cfg);
  if (auto err = cfg.read_options({argv + 1, argv + argc}, getenv); !err.empty()) {
    std::cerr << "kagentd: " << err << std::endl;
    return 2;
  }
  switch (cfg.loaded.action) {
    case option_action::help: std::cout << help_text(); return 0;
    case option_action::help_markdown: std::cout << options_markdown(); return 0;
    case option_action::help_ini: std::cout << example_ini(); return 0;
    default: break;
  }
  if (auto msg = cfg.finish(argv[0]); !msg.empty()) {
    std::cerr << "kagentd: " << msg << std::endl;
    return 2;
  }
  if (cfg.loaded.action == option_action::print_config) {
    cfg.loaded.opts = cfg.opts;  // with the defaults worked out by finish()
    std::cout << effective_config(cfg.loaded, getenv);
    return 0;
  }
  set_log_format(cfg.opts.log_format);
  plain_errors = cfg.opts.log_format != "json";
  set_log_level(cfg.opts.log_level);
  auto& cl = cfg.opts.cluster;
  if (cl.role != "standalone") {
    if (auto why = tls_of(cl).enabled() ? cluster::check_tls_files(tls_of(cl)) : "";
        !why.empty()) {
      std::cerr << "kagentd: " << why << std::endl;
      return 2;
    }
    cfg.load<caf::io::middleman>();
    // A killed peer closes its connection; a frozen one is noticed by the
    // middleman heartbeat timing out (CAF 0.17 has no other liveness check).
    cfg.set("middleman.heartbeat-interval", caf::timespan{std::chrono::milliseconds(cl.heartbeat_ms)});
    cfg.set("middleman.connection-timeout",
            caf::timespan{std::chrono::milliseconds(cl.connection_timeout_ms)});
  }
  if (!cfg.llm_note.empty())
    get_logger("kagentd")->warn("{}", cfg.llm_note);
  // Block the stop signals before any thread starts, so only sigwait sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  int rc;
  {
    caf::actor_system sys{cfg};
    rc = cl.role == "worker" ? run_worker(sys, cfg.opts, stop_signals)
                             : run(sys, cfg.opts, stop_signals);
  }
  return rc;
}
