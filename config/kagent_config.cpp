#include "config/kagent_config.hpp"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <algorithm>
#include <climits>

#include "config/llm_config.hpp"
#include "core/error.hpp"
#include "core/text.hpp"

#ifndef KAGENT_EXAMPLES_DIR
#define KAGENT_EXAMPLES_DIR "examples/competitions"
#endif

namespace kagent {

namespace {

struct option_doc {
  const char* flag;
  const char* fallback;
  const char* text;
};

// One row per option: what --help prints. Keep in the order of the sections.
const option_doc option_docs[] = {
  {"--host=ADDR", "127.0.0.1", "HTTP listen address (env KAGENT_HOST)"},
  {"--port=N", "8000", "HTTP listen port (env KAGENT_PORT)"},
  {"--data-dir=DIR", "./var", "job directories, embedded database (env KAGENT_DATA_DIR)"},
  {"--competitions=DIR[:DIR...]", KAGENT_EXAMPLES_DIR,
   "local competition mirrors, searched in order (env KAGENT_COMPETITIONS)"},
  {"--cache-dir=DIR", "DATA_DIR/cache", "competitions downloaded from Kaggle, laid out as a mirror"},
  {"--kaggle-api-url=URL", "https://www.kaggle.com/api/v1",
   "Kaggle API base, used when KAGGLE_USERNAME + KAGGLE_KEY or kaggle.json give credentials "
   "(env KAGGLE_API_ENDPOINT, as the kaggle CLI)"},
  {"--max-download-bytes=BYTES", "21474836480", "largest competition archive downloaded"},
  {"--max-unpacked-bytes=BYTES", "53687091200", "largest total of a competition's unpacked files"},
  {"--max-unpack-ratio=N", "200", "unpacked bytes per archive byte before a zip is refused"},
  {"--download-timeout=S", "3600", "one competition's whole fetch (list, download, unpack)"},
  {"--download-retries=N", "5", "retries of a failed Kaggle request (429, 5xx, network)"},
  {"--database-url=URL", "(empty: embedded PostgreSQL in DATA_DIR/pg)",
   "libpq connection string or URI (env DATABASE_URL)"},
  {"--allowed-hosts=NAME[,NAME...]", "(localhost, 127.0.0.1, [::1], the --host)",
   "Host header values answered besides the defaults, with or without port; * = any;"
   " others get 421"},
  {"--cors-origin=ORIGIN", "(empty: CORS off)",
   "the one web origin (https://ui.example) allowed cross-origin calls and WebSockets"},
  {"--rate-limit=N", "10", "POST /run per API key and minute; beyond: 429 + Retry-After (0: none)"},
  {"--max-queued-per-key=N", "100", "waiting jobs per API key; beyond: 429 (0: none)"},
  {"--pg-dir=DIR", "DATA_DIR/pg", "where the embedded PostgreSQL cluster lives"},
  {"--pg-bin=DIR", "/usr/lib/postgresql/15/bin", "PostgreSQL's programs (initdb, pg_ctl) for the embedded cluster"},
  {"--max-queued=N", "1000", "jobs waiting for a slot before POST /run answers 429"},
  {"--max-running=N", "2", "jobs running at once (launcher slots)"},
  {"--retry-after=S", "5", "Retry-After seconds sent with 429"},
  {"--http-threads=N", "2", "I/O threads serving HTTP"},
  {"--max-body=BYTES", "65536", "largest request body accepted (else 413)"},
  {"--max-in-flight=N", "1024", "HTTP requests waiting on actors (else 503)"},
  {"--max-websockets=N", "1024", "open WebSocket sessions; an upgrade beyond gets 503 (0: no cap)"},
  {"--max-websockets-per-client=N", "64",
   "open WebSocket sessions per client address; beyond: 429 (0: no cap)"},
  {"--ws-queue-bytes=BYTES", "1048576",
   "frames queued per WebSocket, replay included; a client past it is closed with 4000"},
  {"--ws-total-queue-bytes=BYTES", "67108864",
   "frames queued in all WebSockets; past it, every client more than 64 KiB behind is closed"},
  {"--ws-stall-timeout=S", "30", "a WebSocket that takes no frame this long is closed with 4000"},
  {"--sandbox=MODE", "bwrap", "bwrap, or process (uid, rlimits and cgroup; no isolation)"},
  {"--sandbox-user=NAME", "kagent-sandbox", "system user stages run as when kagentd is root"},
  {"--cgroup=POLICY", "optional",
   "required: refuse to start without a per-stage cgroup; optional: warn (and /health says so)"},
  {"--stage-memory=BYTES", "8589934592", "memory of a whole stage, tmpfs included (cgroup)"},
  {"--process-limit=N", "512", "processes and threads of a whole stage (cgroup)"},
  {"--tmp-size=BYTES", "1073741824", "size of a stage's /tmp and of its /dev/shm (bwrap)"},
  {"--memory-limit=BYTES", "8589934592", "address-space limit per stage process"},
  {"--cpu-limit=S", "3600", "CPU-seconds limit per stage process"},
  {"--max-output=BYTES", "33554432", "largest output file read back from a stage"},
  {"--stage-timeout=S", "900", "wall-clock limit per stage attempt"},
  {"--time-budget=S", "120", "model-search budget given to the train stage"},
  {"--max-attempts=N", "2", "attempts per stage before a job fails"},
  {"--log-lines=N", "1000",
   "stage output lines stored per step: the first and the last N, and how many were dropped"
   " (0: all)"},
  {"--llm=DIALECT", "(off)",
   "anthropic or openai: an LLM plans and writes code (key from ANTHROPIC_API_KEY / "
   "OPENAI_API_KEY; off without it; env KAGENT_LLM)"},
  {"--llm-url=URL", "(ANTHROPIC_BASE_URL / OPENAI_BASE_URL, else the public API)",
   "base URL, e.g. http://127.0.0.1:8080/v1 for llama.cpp"},
  {"--llm-model=NAME", "(none; required with --llm)", "model name sent to the LLM (env KAGENT_LLM_MODEL)"},
  {"--llm-timeout=S", "300", "per LLM request attempt (two retries as the official SDKs)"},
  {"--llm-max-tokens=N", "16384", "reply budget of a code-writing LLM call"},
  {"--llm-repair-rounds=N", "2", "LLM fixes of a failing program before the template runs"},
  {"--stage-bin=PATH", "(kagent-stage next to kagentd)", "the stage program"},
  {"--python=PATH", "/usr/bin/python3", "interpreter that runs solution.py"},
  {"--db-readers=N", "2", "read connections to the database"},
  {"--log-level=LEVEL", "info", "trace, debug, info, warn, error"},
  {"--role=ROLE", "standalone",
   "standalone (one process), head (publishes the cluster port) or worker (env KAGENT_ROLE)"},
  {"--cluster-host=ADDR", "127.0.0.1",
   "head: cluster port address; off loopback it needs the three TLS files"},
  {"--cluster-port=N", "4242", "head: the port workers join"},
  {"--local-slots=N", "0", "head: stages the head runs itself (standalone: --max-running)"},
  {"--join=HOST:PORT", "(required for a worker)", "worker: the head's cluster port (env KAGENT_JOIN)"},
  {"--slots=N", "2", "worker: stages it runs at once (env KAGENT_SLOTS)"},
  {"--node-name=NAME", "(the host name)", "this node's name in GET /cluster"},
  {"--cluster-cert=FILE", "(none)", "this node's certificate (PEM) for TLS on the cluster port"},
  {"--cluster-key=FILE", "(none)", "its private key (PEM)"},
  {"--cluster-ca=FILE", "(none)", "the CA every node's certificate must come from (PEM)"},
  {"--cluster-heartbeat=MS", "250", "heartbeat between head and workers"},
  {"--cluster-timeout=MS", "1500", "a head or worker silent this long counts as lost"},
  {"--config-file=FILE", "caf-application.ini", "INI file with the same keys (no dashes)"},
};

void apply_env(server_options& o) {
  auto env = [](const char* name) -> const char* {
    auto v = getenv(name);
    return v && *v ? v : nullptr;
  };
  if (auto v = env("KAGENT_HOST")) o.http.host = v;
  if (auto v = env("KAGENT_PORT")) o.http.port = static_cast<uint16_t>(atoi(v));
  if (auto v = env("KAGENT_DATA_DIR")) o.pipeline.data_dir = v;
  if (auto v = env("DATABASE_URL")) o.database.url = v;
  if (auto v = env("KAGENT_DATABASE_URL")) o.database.url = v;
  if (auto v = env("KAGENT_MAX_QUEUED")) o.admission.max_queued = strtoull(v, nullptr, 10);
  if (auto v = env("KAGENT_MAX_RUNNING")) o.admission.max_running = strtoull(v, nullptr, 10);
  if (auto v = env("KAGENT_SANDBOX")) o.sandbox.mode = v;
  if (auto v = env("KAGENT_LOG_LEVEL")) o.log_level = v;
  // The kaggle CLI's own override: a host, or a base ending in /api/v1.
  if (auto v = env("KAGGLE_API_ENDPOINT")) {
    std::string url = v;
    while (!url.empty() && url.back() == '/')
      url.pop_back();
    o.sources.kaggle_api_url = ends_with(url, "/api/v1") ? url : url + "/api/v1";
  }
  if (auto v = env("KAGENT_LLM")) o.pipeline.llm.dialect = v;
  if (auto v = env("KAGENT_LLM_MODEL")) o.pipeline.llm.model = v;
  if (auto v = env("KAGENT_ROLE")) o.cluster.role = v;
  if (auto v = env("KAGENT_JOIN")) o.cluster.join = v;
  if (auto v = env("KAGENT_SLOTS")) o.cluster.slots = strtoull(v, nullptr, 10);
}

std::string dir_of_executable(const std::string& argv0) {
  char buf[PATH_MAX];
  auto n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  std::string path = n > 0 ? std::string(buf, static_cast<size_t>(n)) : argv0;
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string check_sources(sources_options& s) {
  auto& url = s.kaggle_api_url;
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0)
    return "--kaggle-api-url must be an http:// or https:// URL, got '" + url + "'";
  if (s.max_download_bytes < 1 || s.max_unpacked_bytes < 1)
    return "--max-download-bytes and --max-unpacked-bytes must be at least 1";
  if (s.max_unpack_ratio < 1)
    return "--max-unpack-ratio must be at least 1";
  // A job waits at most a day for its competition (actors/job.cpp).
  if (s.download_timeout_s < 1 || s.download_timeout_s > 82800)
    return "--download-timeout must be between 1 and 82800 seconds";
  if (s.retries < 0 || s.retries > 20)
    return "--download-retries must be between 0 and 20";
  return {};
}

} // namespace

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

std::vector<std::string> split_path_list(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find(sep, start);
    if (end == std::string::npos)
      end = s.size();
    if (end > start)
      out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

kagent_config::kagent_config() {
  apply_env(opts);
  if (auto v = getenv("KAGENT_COMPETITIONS"))
    competitions_arg = v;
  kagent::add_error_category(*this);
  // Work-stealing backs off when idle and adds ~200 us per HTTP request at
  // low load (caf-0.17-notes §8); sharing does not. Overridable in the file.
  set("scheduler.policy", caf::atom("sharing"));
  opt_group{custom_options_, "global"}
    .add(opts.http.host, "host", "HTTP listen address")
    .add(opts.http.port, "port", "HTTP listen port")
    .add(opts.pipeline.data_dir, "data-dir", "job directories and embedded database")
    .add(competitions_arg, "competitions", "competition mirror folders, DIR[:DIR...]")
    .add(opts.sources.cache_dir, "cache-dir", "download cache; default <data-dir>/cache")
    .add(opts.sources.kaggle_api_url, "kaggle-api-url", "Kaggle API base URL")
    .add(opts.sources.max_download_bytes, "max-download-bytes", "largest archive downloaded")
    .add(opts.sources.max_unpacked_bytes, "max-unpacked-bytes", "largest unpacked total")
    .add(opts.sources.max_unpack_ratio, "max-unpack-ratio", "unpacked per archive byte")
    .add(opts.sources.download_timeout_s, "download-timeout", "seconds per competition fetch")
    .add(opts.sources.retries, "download-retries", "retries of a failed Kaggle request")
    .add(opts.database.url, "database-url", "PostgreSQL URL; empty: embedded")
    .add(allowed_hosts_arg, "allowed-hosts", "Host header values answered, NAME[,NAME...]")
    .add(opts.http.cors_origin, "cors-origin", "origin allowed cross-origin calls")
    .add(opts.admission.rate_limit_per_min, "rate-limit", "POST /run per API key and minute")
    .add(opts.admission.max_queued_per_key, "max-queued-per-key", "waiting jobs per API key")
    .add(opts.database.pg_dir, "pg-dir", "embedded cluster directory")
    .add(opts.database.pg_bin, "pg-bin", "PostgreSQL's programs for the embedded cluster")
    .add(opts.admission.max_queued, "max-queued", "queued jobs before 429")
    .add(opts.admission.max_running, "max-running", "jobs running at once")
    .add(opts.admission.retry_after_s, "retry-after", "Retry-After seconds on 429")
    .add(opts.http.threads, "http-threads", "HTTP I/O threads")
    .add(opts.http.max_body_bytes, "max-body", "largest request body")
    .add(opts.http.max_in_flight, "max-in-flight", "requests waiting on actors")
    .add(opts.http.max_websockets, "max-websockets", "open WebSocket sessions")
    .add(opts.http.max_websockets_per_client, "max-websockets-per-client",
         "open WebSocket sessions per client address")
    .add(opts.http.ws_queue_bytes, "ws-queue-bytes", "queued bytes per WebSocket")
    .add(opts.http.ws_total_queue_bytes, "ws-total-queue-bytes", "queued bytes of all WebSockets")
    .add(opts.http.ws_stall_timeout_s, "ws-stall-timeout", "seconds a WebSocket may stall")
    .add(opts.sandbox.mode, "sandbox", "bwrap or process")
    .add(opts.sandbox.user, "sandbox-user", "system user stages run as (as root)")
    .add(opts.sandbox.cgroup, "cgroup", "required or optional")
    .add(opts.sandbox.stage_memory_bytes, "stage-memory", "cgroup memory limit per stage")
    .add(opts.sandbox.processes, "process-limit", "cgroup task limit per stage")
    .add(opts.sandbox.tmp_bytes, "tmp-size", "size of /tmp and /dev/shm per stage")
    .add(opts.sandbox.memory_bytes, "memory-limit", "RLIMIT_AS per stage")
    .add(opts.sandbox.cpu_seconds, "cpu-limit", "RLIMIT_CPU per stage")
    .add(opts.sandbox.max_output_bytes, "max-output", "largest output file read back")
    .add(opts.pipeline.stage_timeout_s, "stage-timeout", "seconds per stage attempt")
    .add(opts.pipeline.time_budget_s, "time-budget", "model search budget, seconds")
    .add(opts.pipeline.max_attempts, "max-attempts", "attempts per stage")
    .add(opts.pipeline.log_lines, "log-lines", "stage output lines stored per step, head and tail")
    .add(opts.pipeline.llm.dialect, "llm", "anthropic or openai; empty: off")
    .add(opts.pipeline.llm.url, "llm-url", "LLM base URL")
    .add(opts.pipeline.llm.model, "llm-model", "LLM model name")
    .add(opts.pipeline.llm.timeout_s, "llm-timeout", "seconds per LLM request attempt")
    .add(opts.pipeline.llm.max_tokens, "llm-max-tokens", "reply budget of a code-writing call")
    .add(opts.pipeline.llm.repair_rounds, "llm-repair-rounds", "LLM fixes of a failing program")
    .add(opts.pipeline.stage_bin, "stage-bin", "path of kagent-stage")
    .add(opts.pipeline.python, "python", "python interpreter for solution.py")
    .add(opts.database.readers, "db-readers", "read connections")
    .add(opts.log_level, "log-level", "log level")
    .add(opts.cluster.role, "role", "standalone, head or worker")
    .add(opts.cluster.host, "cluster-host", "head: cluster port address")
    .add(opts.cluster.port, "cluster-port", "head: cluster port")
    .add(opts.cluster.local_slots, "local-slots", "head: stages run on the head")
    .add(opts.cluster.join, "join", "worker: HOST:PORT of the head")
    .add(opts.cluster.slots, "slots", "worker: stages at once")
    .add(opts.cluster.node_name, "node-name", "this node's name")
    .add(opts.cluster.tls_cert, "cluster-cert", "node certificate (PEM)")
    .add(opts.cluster.tls_key, "cluster-key", "node key (PEM)")
    .add(opts.cluster.tls_ca, "cluster-ca", "cluster CA (PEM)")
    .add(opts.cluster.heartbeat_ms, "cluster-heartbeat", "heartbeat, ms")
    .add(opts.cluster.connection_timeout_ms, "cluster-timeout", "peer lost after, ms");
}

namespace {

std::string finish_cluster(cluster_options& c) {
  if (c.role != "standalone" && c.role != "head" && c.role != "worker")
    return "--role must be standalone, head or worker, got '" + c.role + "'";
  if (c.role == "worker") {
    auto colon = c.join.rfind(':');
    if (c.join.empty() || colon == std::string::npos || colon == 0)
      return "a worker needs --join=HOST:PORT (the head's cluster port)";
    if (c.slots < 1 || c.slots > 4096)
      return "--slots must be between 1 and 4096";
  }
  if (c.role == "head" && c.port == 0)
    return "--cluster-port must be a port number";
  if (c.local_slots > 4096)
    return "--local-slots must be at most 4096";
  if (c.heartbeat_ms < 50 || c.connection_timeout_ms < 2 * c.heartbeat_ms)
    return "--cluster-heartbeat must be at least 50 ms and --cluster-timeout at least twice it";
  bool tls = !c.tls_cert.empty() || !c.tls_key.empty() || !c.tls_ca.empty();
  if (tls && (c.tls_cert.empty() || c.tls_key.empty() || c.tls_ca.empty()))
    return "TLS on the cluster port needs all of --cluster-cert, --cluster-key and --cluster-ca";
  // BASP has no authentication: off loopback only with mutual TLS.
  if (c.role == "head" && !is_loopback_host(c.host) && !tls)
    return "refusing a cluster port on " + c.host + " without TLS: give --cluster-cert, "
           "--cluster-key and --cluster-ca (scripts/cluster-certs.sh makes them) or use "
           "--cluster-host=127.0.0.1";
  return {};
}

} // namespace

std::string kagent_config::finish(const std::string& argv0) {
  opts.sources.mirrors = split_path_list(
    competitions_arg.empty() ? std::string{KAGENT_EXAMPLES_DIR} : competitions_arg);
  if (opts.sources.cache_dir.empty())
    opts.sources.cache_dir = opts.pipeline.data_dir + "/cache";
  if (auto err = check_sources(opts.sources); !err.empty())
    return err;
  opts.http.allowed_hosts = split_path_list(allowed_hosts_arg, ',');
  if (opts.admission.rate_limit_per_min < 0)
    return "--rate-limit must be 0 (none) or more";
  if (opts.pipeline.stage_bin.empty())
    opts.pipeline.stage_bin = dir_of_executable(argv0) + "/kagent-stage";
  if (opts.sandbox.mode != "bwrap" && opts.sandbox.mode != "process")
    return "--sandbox must be bwrap or process, got '" + opts.sandbox.mode + "'";
  if (opts.sandbox.cgroup != "required" && opts.sandbox.cgroup != "optional")
    return "--cgroup must be required or optional, got '" + opts.sandbox.cgroup + "'";
  if (opts.sandbox.stage_memory_bytes < (16 << 20) || opts.sandbox.processes < 8
      || opts.sandbox.tmp_bytes < (1 << 20) || opts.sandbox.max_output_bytes < 1)
    return "--stage-memory must be at least 16 MiB, --process-limit at least 8, --tmp-size at "
           "least 1 MiB and --max-output positive";
  if (opts.admission.max_running == 0)
    return "--max-running must be at least 1";
  // The train stage stops its search by 85 % of the budget; leave the rest of the
  // stage timeout for the refit and validation.
  opts.admission.max_time_budget_s = std::max(min_time_budget_s, opts.pipeline.stage_timeout_s * 3 / 4);
  if (opts.pipeline.time_budget_s < 1 || opts.pipeline.time_budget_s > opts.admission.max_time_budget_s)
    return "--time-budget must be between 1 and " + std::to_string(opts.admission.max_time_budget_s)
           + " (3/4 of --stage-timeout)";
  if (opts.pipeline.max_attempts < 1)
    return "--max-attempts must be at least 1";
  if (opts.pipeline.log_lines < 0)
    return "--log-lines must be 0 (keep all) or more";
  if (opts.http.ws_stall_timeout_s < 1)
    return "--ws-stall-timeout must be at least 1 second";
  if (opts.http.threads == 0)
    opts.http.threads = 1;
  if (opts.database.readers < 1)
    opts.database.readers = 1;
  if (access(opts.pipeline.stage_bin.c_str(), X_OK) != 0)
    return "stage program not executable: " + opts.pipeline.stage_bin;
  if (auto err = finish_cluster(opts.cluster); !err.empty())
    return err;
  return finish_llm(opts.pipeline.llm, opts.llm_key, opts.pipeline.data_dir, llm_note);
}

void print_help() {
  printf("kagentd - turns Kaggle competition URLs into validated submissions\n\n"
         "usage: kagentd [--name=value ...]\n\noptions (default in brackets):\n");
  for (auto& d : option_docs)
    printf("  %-30s %s [%s]\n", d.flag, d.text, d.fallback);
  printf("\nPrecedence: flags > config file > environment > defaults.\n"
         "\nAPI keys: kagentd keys create --name=NAME [--admin] | keys list | keys revoke"
         " --name=NAME\n  (with the same --database-url / --data-dir; see kagentd keys --help)\n");
}

} // namespace kagent
