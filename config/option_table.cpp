// The rows of kagentd's option table. Defaults live in config/options.hpp and
// sandbox/options.hpp (the structs' initialisers); a row only points at its
// member, so no default is written twice.
#include "config/option_table.hpp"
#include "config/kagent_config.hpp"

#include <type_traits>

#include "core/text.hpp"

namespace kagent {

namespace {

using kind = option_kind;

// Binds `s` to the member `ref(o)` returns, whatever its type.
template <class F>
option_spec bind(option_spec s, F ref) {
  using member = std::decay_t<decltype(ref(std::declval<kagentd_options&>()))>;
  if constexpr (std::is_same_v<member, std::string>) {
    s.store = [ref](kagentd_options& o, const std::string& v) { ref(o) = v; };
    s.load = [ref](const kagentd_options& o) { return ref(o); };
  } else if constexpr (std::is_same_v<member, std::vector<std::string>>) {
    auto sep = s.separator;
    s.store = [ref, sep](kagentd_options& o, const std::string& v) { ref(o) = split_path_list(v, sep); };
    s.load = [ref, sep](const kagentd_options& o) {
      std::string out;
      for (auto& x : ref(o))
        out += (out.empty() ? "" : std::string(1, sep)) + x;
      return out;
    };
  } else {
    static_assert(std::is_integral_v<member>, "an option's member is text, a list or a number");
    auto bytes = s.kind == kind::bytes;
    s.store = [ref, bytes](kagentd_options& o, const std::string& v) {
      int64_t n = 0;
      if (bytes)
        parse_byte_size(v, n);
      else
        parse_integer(v, n);
      ref(o) = static_cast<member>(n);
    };
    s.load = [ref](const kagentd_options& o) { return std::to_string(ref(o)); };
  }
  return s;
}

template <class F>
option_spec text(const char* group, const char* name, const char* metavar, const char* help, F ref,
                 kind k = kind::text) {
  option_spec s;
  s.group = group, s.name = name, s.metavar = metavar, s.help = help, s.kind = k;
  return bind(std::move(s), ref);
}

template <class F>
option_spec path(const char* group, const char* name, const char* metavar, const char* help,
                 F ref) {
  return text(group, name, metavar, help, ref, kind::path);
}

template <class F>
option_spec url(const char* group, const char* name, const char* help, F ref) {
  return text(group, name, "URL", help, ref, kind::url);
}

template <class F>
option_spec number(const char* group, const char* name, const char* metavar, int64_t min,
                   int64_t max, const char* help, F ref, kind k = kind::integer) {
  option_spec s;
  s.group = group, s.name = name, s.metavar = metavar, s.help = help, s.kind = k;
  s.min = min, s.max = max;
  return bind(std::move(s), ref);
}

template <class F>
option_spec bytes(const char* group, const char* name, int64_t min, int64_t max, const char* help,
                  F ref) {
  return number(group, name, "BYTES", min, max, help, ref, kind::bytes);
}

template <class F>
option_spec choice(const char* group, const char* name, std::vector<std::string> choices,
                   bool allow_empty, const char* help, F ref) {
  option_spec s;
  s.group = group, s.name = name, s.help = help, s.kind = kind::choice;
  s.allow_empty = allow_empty;
  for (auto& c : choices)
    s.metavar += (s.metavar.empty() ? "" : "|") + c;
  s.choices = std::move(choices);
  return bind(std::move(s), ref);
}

template <class F>
option_spec list(const char* group, const char* name, const char* metavar, char sep,
                 const char* help, F ref) {
  option_spec s;
  s.group = group, s.name = name, s.metavar = metavar, s.help = help, s.kind = kind::list;
  s.separator = sep;
  return bind(std::move(s), ref);
}

// The kaggle CLI's KAGGLE_API_ENDPOINT: a host, or a base ending in /api/v1.
std::string kaggle_endpoint(const std::string& v) {
  auto url = v;
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  return ends_with(url, "/api/v1") ? url : url + "/api/v1";
}

constexpr int64_t kib = 1024, mib = kib << 10, gib = mib << 10, tib = gib << 10;
constexpr int64_t day_s = 86400;

#define KAGENT_MEMBER(m)                                                                           \
  [](auto& o) -> auto& {                                                                           \
    return o.m;                                                                                    \
  }

std::vector<option_spec> make_table() {
  std::vector<option_spec> t;
  const char* g = "Server";
  t.push_back(text(g, "host", "ADDR", "HTTP listen address (a worker's /health too)",
                   KAGENT_MEMBER(http.host))
                  .with_env("KAGENT_HOST"));
  t.push_back(number(g, "port", "N", 0, 65535, "HTTP listen port (0: any free port)",
                     KAGENT_MEMBER(http.port))
                  .with_env("KAGENT_PORT"));
  t.push_back(path(g, "data-dir", "DIR", "job directories, logs and the embedded database",
                   KAGENT_MEMBER(pipeline.data_dir))
                  .with_env("KAGENT_DATA_DIR"));
  auto cf = path(g, "config-file", "FILE",
                 "INI file with these keys (no dashes); read when given, or when "
                 "./caf-application.ini exists",
                 KAGENT_MEMBER(config_file));
  cf.file_key = false;
  t.push_back(cf.with_note("(none)"));
  t.push_back(choice(g, "log-level", {"trace", "debug", "info", "warn", "error", "critical", "off"},
                     false, "least severe log line written", KAGENT_MEMBER(log_level))
                  .with_env("KAGENT_LOG_LEVEL"));
  t.push_back(choice(g, "log-format", {"text", "json"}, false,
                     "text for people; json: one object per line (time, level, logger, message) "
                     "for log shippers",
                     KAGENT_MEMBER(log_format))
                  .with_env("KAGENT_LOG_FORMAT"));

  g = "HTTP";
  t.push_back(number(g, "http-threads", "N", 1, 256, "I/O threads serving HTTP",
                     KAGENT_MEMBER(http.threads)));
  t.push_back(bytes(g, "max-body", 1, gib, "largest request body accepted (else 413)",
                    KAGENT_MEMBER(http.max_body_bytes)));
  t.push_back(number(g, "max-in-flight", "N", 1, 1000000,
                     "HTTP requests waiting on actors (else 503)",
                     KAGENT_MEMBER(http.max_in_flight)));
  t.push_back(number(g, "request-timeout", "S", 1, 3600,
                     "a connection idle or reading one request this long is closed",
                     KAGENT_MEMBER(http.request_timeout_s)));
  t.push_back(list(g, "allowed-hosts", "NAME[,NAME...]", ',',
                   "Host header values answered besides localhost, 127.0.0.1, [::1] and --host, "
                   "with or without port; * = any; others get 421",
                   KAGENT_MEMBER(http.allowed_hosts))
                  .with_note("(none)"));
  t.push_back(url(g, "cors-origin",
                  "the one web origin (https://ui.example) allowed cross-origin calls and "
                  "WebSockets; empty: CORS off",
                  KAGENT_MEMBER(http.cors_origin)));
  t.push_back(number(g, "max-websockets", "N", 0, 1000000,
                     "open WebSocket sessions; an upgrade beyond gets 503 (0: no cap)",
                     KAGENT_MEMBER(http.max_websockets)));
  t.push_back(number(g, "max-websockets-per-client", "N", 0, 1000000,
                     "open WebSocket sessions per client address; beyond: 429 (0: no cap)",
                     KAGENT_MEMBER(http.max_websockets_per_client)));
  t.push_back(bytes(g, "ws-queue-bytes", 1, gib,
                    "frames queued per WebSocket, replay included; a client past it is closed "
                    "with 4000",
                    KAGENT_MEMBER(http.ws_queue_bytes)));
  t.push_back(bytes(g, "ws-total-queue-bytes", 1, 64 * gib,
                    "frames queued in all WebSockets; past it, every client more than 64 KiB "
                    "behind is closed",
                    KAGENT_MEMBER(http.ws_total_queue_bytes)));
  t.push_back(number(g, "ws-stall-timeout", "S", 1, day_s,
                     "a WebSocket that takes no frame this long is closed with 4000",
                     KAGENT_MEMBER(http.ws_stall_timeout_s)));

  g = "Admission";
  t.push_back(number(g, "max-queued", "N", 0, 10000000,
                     "jobs waiting for a slot before POST /run answers 429",
                     KAGENT_MEMBER(admission.max_queued))
                  .with_env("KAGENT_MAX_QUEUED"));
  t.push_back(number(g, "max-running", "N", 1, 4096,
                     "standalone: jobs running at once (launcher slots; a head uses "
                     "--local-slots and its workers' --slots)",
                     KAGENT_MEMBER(admission.max_running))
                  .with_env("KAGENT_MAX_RUNNING"));
  t.push_back(number(g, "retry-after", "S", 1, 3600, "Retry-After seconds sent with 429",
                     KAGENT_MEMBER(admission.retry_after_s)));
  t.push_back(number(g, "rate-limit", "N", 0, 1000000,
                     "POST /run per API key and minute; beyond: 429 + Retry-After (0: none)",
                     KAGENT_MEMBER(admission.rate_limit_per_min)));
  t.push_back(number(g, "max-queued-per-key", "N", 0, 10000000,
                     "waiting jobs per API key; beyond: 429 (0: none)",
                     KAGENT_MEMBER(admission.max_queued_per_key)));
  t.push_back(number(g, "resume-page-size", "N", 1, 1000000,
                     "jobs unfinished at a restart are read back in pages of this many, "
                     "oldest first, while the server already takes new jobs",
                     KAGENT_MEMBER(admission.resume_page_size)));

  g = "Competitions";
  t.push_back(list(g, "competitions", "DIR[:DIR...]", ':',
                   "local competition mirrors, searched in order", KAGENT_MEMBER(sources.mirrors))
                  .with_env("KAGENT_COMPETITIONS")
                  .with_note("(the bundled examples/competitions)"));
  t.push_back(path(g, "cache-dir", "DIR",
                   "competitions downloaded from Kaggle, laid out as a mirror",
                   KAGENT_MEMBER(sources.cache_dir))
                  .with_note("DATA_DIR/cache"));
  auto kaggle = url(g, "kaggle-api-url",
                    "Kaggle API base, used when KAGGLE_USERNAME + KAGGLE_KEY or kaggle.json "
                    "give credentials (env as the kaggle CLI: a host or a base ending in /api/v1)",
                    KAGENT_MEMBER(sources.kaggle_api_url));
  kaggle.allow_empty = false;
  kaggle.from_env = kaggle_endpoint;
  t.push_back(kaggle.with_env("KAGGLE_API_ENDPOINT"));
  t.push_back(bytes(g, "max-download-bytes", 1, 64 * tib, "largest competition archive downloaded",
                    KAGENT_MEMBER(sources.max_download_bytes)));
  t.push_back(bytes(g, "max-unpacked-bytes", 1, 64 * tib,
                    "largest total of a competition's unpacked files",
                    KAGENT_MEMBER(sources.max_unpacked_bytes)));
  t.push_back(number(g, "max-unpack-ratio", "N", 1, 1000000,
                     "unpacked bytes per archive byte before a zip is refused",
                     KAGENT_MEMBER(sources.max_unpack_ratio)));
  // A job waits at most a day for its competition (actors/job.cpp).
  t.push_back(number(g, "download-timeout", "S", 1, 82800,
                     "one competition's whole fetch (list, download, unpack)",
                     KAGENT_MEMBER(sources.download_timeout_s)));
  t.push_back(number(g, "download-retries", "N", 0, 20,
                     "retries of a failed Kaggle request (429, 5xx, network)",
                     KAGENT_MEMBER(sources.retries)));

  g = "Database";
  auto db = text(g, "database-url", "URL",
                 "libpq connection string or URI; empty: embedded PostgreSQL in --pg-dir "
                 "(KAGENT_DATABASE_URL wins over DATABASE_URL)",
                 KAGENT_MEMBER(database.url));
  db.secret = true;
  t.push_back(db.with_env("DATABASE_URL").with_env("KAGENT_DATABASE_URL").with_note("(embedded)"));
  t.push_back(path(g, "pg-dir", "DIR", "where the embedded PostgreSQL cluster lives",
                   KAGENT_MEMBER(database.pg_dir))
                  .with_note("DATA_DIR/pg"));
  t.push_back(path(g, "pg-bin", "DIR",
                   "PostgreSQL's programs (initdb, pg_ctl, postgres) for the embedded cluster",
                   KAGENT_MEMBER(database.pg_bin)));
  t.push_back(number(g, "db-readers", "N", 1, 64, "read connections to the database",
                     KAGENT_MEMBER(database.readers)));
  t.push_back(number(g, "db-writers", "N", 1, 16,
                     "write connections; new jobs are spread over them so their commits"
                     " overlap, every other write goes through the first, in order",
                     KAGENT_MEMBER(database.writers)));

  g = "Sandbox";
  t.push_back(choice(g, "sandbox", {"bwrap", "process"}, false,
                     "bwrap, or process (uid, rlimits and cgroup; no isolation)",
                     KAGENT_MEMBER(sandbox.mode))
                  .with_env("KAGENT_SANDBOX"));
  t.push_back(path(g, "bwrap", "PATH", "the bubblewrap program (--sandbox=bwrap)",
                   KAGENT_MEMBER(sandbox.bwrap)));
  t.push_back(text(g, "sandbox-user", "NAME", "system user stages run as when kagentd is root",
                   KAGENT_MEMBER(sandbox.user)));
  t.push_back(choice(g, "cgroup", {"required", "optional"}, false,
                     "required: refuse to start without a per-stage cgroup; optional: warn "
                     "(and /health says so)",
                     KAGENT_MEMBER(sandbox.cgroup)));
  t.push_back(bytes(g, "stage-memory", 16 * mib, 64 * tib,
                    "memory of a whole stage, tmpfs included (cgroup)",
                    KAGENT_MEMBER(sandbox.stage_memory_bytes)));
  t.push_back(number(g, "process-limit", "N", 8, 1000000,
                     "processes and threads of a whole stage (cgroup)",
                     KAGENT_MEMBER(sandbox.processes)));
  t.push_back(bytes(g, "tmp-size", mib, tib, "size of a stage's /tmp and of its /dev/shm (bwrap)",
                    KAGENT_MEMBER(sandbox.tmp_bytes)));
  t.push_back(bytes(g, "memory-limit", 16 * mib, 64 * tib,
                    "address-space limit per stage process (RLIMIT_AS)",
                    KAGENT_MEMBER(sandbox.memory_bytes)));
  t.push_back(number(g, "cpu-limit", "S", 1, 30 * day_s,
                     "CPU-seconds limit per stage process (RLIMIT_CPU)",
                     KAGENT_MEMBER(sandbox.cpu_seconds)));
  t.push_back(bytes(g, "file-limit", mib, 64 * tib,
                    "largest file a stage process may write (RLIMIT_FSIZE)",
                    KAGENT_MEMBER(sandbox.file_bytes)));
  t.push_back(bytes(g, "max-output", 1, 64 * gib, "largest output file read back from a stage",
                    KAGENT_MEMBER(sandbox.max_output_bytes)));
  t.push_back(number(g, "kill-grace", "MS", 0, 600000,
                     "a stopped stage gets SIGTERM, then SIGKILL this much later",
                     KAGENT_MEMBER(sandbox.kill_grace_ms)));

  g = "Pipeline";
  t.push_back(number(g, "stage-timeout", "S", 1, 30 * day_s, "wall-clock limit per stage attempt",
                     KAGENT_MEMBER(pipeline.stage_timeout_s)));
  t.push_back(number(g, "time-budget", "S", 1, 30 * day_s,
                     "a job's model-search budget (plan and train stages) when POST /run gives "
                     "none; at most 3/4 of --stage-timeout",
                     KAGENT_MEMBER(pipeline.time_budget_s)));
  t.push_back(number(g, "max-attempts", "N", 1, 100, "attempts per stage before a job fails",
                     KAGENT_MEMBER(pipeline.max_attempts)));
  t.push_back(number(g, "retry-backoff", "MS", 0, 3600000,
                     "delay before a stage's second attempt, doubled for each one after",
                     KAGENT_MEMBER(pipeline.retry_backoff_ms)));
  t.push_back(number(g, "log-lines", "N", 0, 10000000,
                     "stage output lines stored per step: the first and the last N, and how many "
                     "were dropped (0: all)",
                     KAGENT_MEMBER(pipeline.log_lines)));
  t.push_back(path(g, "stage-bin", "PATH", "the stage program", KAGENT_MEMBER(pipeline.stage_bin))
                  .with_note("(kagent-stage next to kagentd)"));
  t.push_back(path(g, "python", "PATH", "interpreter that runs solution.py",
                   KAGENT_MEMBER(pipeline.python)));

  g = "LLM";
  t.push_back(choice(g, "llm", {"anthropic", "openai"}, true,
                     "an LLM plans and writes code (key from ANTHROPIC_API_KEY / OPENAI_API_KEY, "
                     "never an option; off without it); empty: off",
                     KAGENT_MEMBER(pipeline.llm.dialect))
                  .with_env("KAGENT_LLM")
                  .with_note("(off)"));
  t.push_back(url(g, "llm-url",
                  "base URL, e.g. http://127.0.0.1:8080/v1 for llama.cpp; empty: "
                  "ANTHROPIC_BASE_URL / OPENAI_BASE_URL, else the public API",
                  KAGENT_MEMBER(pipeline.llm.url)));
  t.push_back(text(g, "llm-model", "NAME", "model name sent to the LLM (required with --llm)",
                   KAGENT_MEMBER(pipeline.llm.model))
                  .with_env("KAGENT_LLM_MODEL"));
  t.push_back(number(g, "llm-timeout", "S", 1, 3600,
                     "per LLM request attempt (two retries, as the official SDKs)",
                     KAGENT_MEMBER(pipeline.llm.timeout_s)));
  t.push_back(number(g, "llm-max-tokens", "N", 256, 10000000,
                     "reply budget of a code-writing LLM call",
                     KAGENT_MEMBER(pipeline.llm.max_tokens)));
  t.push_back(number(g, "llm-repair-rounds", "N", 0, 9,
                     "LLM fixes of a failing program before the template runs",
                     KAGENT_MEMBER(pipeline.llm.repair_rounds)));

  g = "Cluster";
  t.push_back(choice(g, "role", {"standalone", "head", "worker"}, false,
                     "standalone (one process), head (publishes the cluster port) or worker",
                     KAGENT_MEMBER(cluster.role))
                  .with_env("KAGENT_ROLE"));
  t.push_back(text(g, "cluster-host", "ADDR",
                   "head: cluster port address; off loopback it needs the three TLS files",
                   KAGENT_MEMBER(cluster.host)));
  t.push_back(number(g, "cluster-port", "N", 1, 65535, "head: the port workers join",
                     KAGENT_MEMBER(cluster.port)));
  t.push_back(number(g, "local-slots", "N", 0, 4096,
                     "head: stages the head runs itself (standalone: --max-running)",
                     KAGENT_MEMBER(cluster.local_slots)));
  auto join = text(g, "join", "HOST:PORT", "worker: the head's cluster port (required)",
                   KAGENT_MEMBER(cluster.join), kind::host_port);
  t.push_back(join.with_env("KAGENT_JOIN"));
  t.push_back(number(g, "slots", "N", 1, 4096, "worker: stages it runs at once",
                     KAGENT_MEMBER(cluster.slots))
                  .with_env("KAGENT_SLOTS"));
  t.push_back(text(g, "node-name", "NAME", "this node's name in GET /cluster",
                   KAGENT_MEMBER(cluster.node_name))
                  .with_note("(the host name)"));
  t.push_back(path(g, "cluster-cert", "FILE",
                   "this node's certificate (PEM) for TLS on the cluster port",
                   KAGENT_MEMBER(cluster.tls_cert))
                  .with_note("(none)"));
  t.push_back(
      path(g, "cluster-key", "FILE", "its private key (PEM)", KAGENT_MEMBER(cluster.tls_key))
          .with_note("(none)"));
  t.push_back(path(g, "cluster-ca", "FILE", "the CA every node's certificate must come from (PEM)",
                   KAGENT_MEMBER(cluster.tls_ca))
                  .with_note("(none)"));
  t.push_back(number(g, "cluster-heartbeat", "MS", 50, 600000, "heartbeat between head and workers",
                     KAGENT_MEMBER(cluster.heartbeat_ms)));
  t.push_back(number(g, "cluster-timeout", "MS", 100, 3600000,
                     "a head or worker silent this long counts as lost (at least twice the "
                     "heartbeat)",
                     KAGENT_MEMBER(cluster.connection_timeout_ms)));
  return t;
}

#undef KAGENT_MEMBER

} // namespace

const std::vector<option_spec>& option_table() {
  static const std::vector<option_spec> table = make_table();
  return table;
}

const option_spec* find_option(const std::string& name) {
  for (auto& s : option_table())
    if (s.name == name)
      return &s;
  return nullptr;
}

} // namespace kagent
