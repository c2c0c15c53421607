// One options struct per area, each with defaults that work on one machine
// with no setup. Each actor receives only its own struct.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/options.hpp"

namespace kagent {

/// HTTP listener (http/).
struct http_options {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;
  size_t threads = 2;                 ///< I/O threads running Beast
  size_t max_body_bytes = 64 * 1024;  ///< larger request bodies get 413
  size_t max_in_flight = 1024;        ///< requests waiting on actors; beyond: 503
  int request_timeout_s = 30;         ///< idle/read timeout per connection
  size_t max_websockets = 1024;       ///< open WebSocket sessions; beyond: 503
  size_t max_websockets_per_client = 64;  ///< per client address; beyond: 429
  size_t ws_queue_bytes = 1024 * 1024; ///< frames queued per WebSocket (replay included); beyond: close 4000
  size_t ws_total_queue_bytes = 64 << 20; ///< frames queued in all WebSockets; beyond: the most behind close
  int ws_stall_timeout_s = 30;        ///< a WebSocket that takes no frame this long: close 4000
  std::vector<std::string> allowed_hosts;  ///< Host names answered besides the defaults; "*" = any
  std::string cors_origin;            ///< the one origin allowed cross-origin calls; empty: CORS off
};

/// Admission control (actors/admission).
/// Smallest per-job model-search budget a client may ask for, seconds.
constexpr int min_time_budget_s = 10;

struct admission_options {
  size_t max_queued = 1000;  ///< jobs waiting for a slot; beyond: 429
  size_t max_running = 2;    ///< jobs running at once (= launcher slots)
  int retry_after_s = 5;     ///< Retry-After sent with 429
  int max_time_budget_s = 675; ///< largest per-job budget; set from the stage timeout
  int rate_limit_per_min = 10; ///< POST /run per API key and minute; 0 = none; beyond: 429
  size_t max_queued_per_key = 100; ///< waiting jobs per API key; 0 = none; beyond: 429
  size_t resume_page_size = 5000; ///< unfinished jobs read per page at a restart
};

/// Where jobs run and how they are confined (actors/launcher, sandbox/).
using sandbox_options = sandbox::options;

/// The optional LLM planner and code writer (agent/llm, through proxy/).
/// Off unless `dialect` is set and its key is in the environment.
struct llm_options {
  std::string dialect;        ///< empty (off), anthropic or openai
  std::string url;            ///< base URL; empty: ANTHROPIC_BASE_URL / OPENAI_BASE_URL or the public API
  std::string model;          ///< required with a dialect
  int timeout_s = 300;        ///< one request attempt (stage client and proxy)
  int max_tokens = 16384;     ///< reply budget of a code-writing call
  int repair_rounds = 2;      ///< LLM fixes of a failing program before the template runs
  std::string socket;         ///< the proxy's socket, <data_dir>/run/llm.sock; empty: off
  bool enabled() const { return !socket.empty(); }
};

/// The pipeline a job actor drives (actors/job).
struct pipeline_options {
  std::string data_dir = "./var";     ///< job directories live in <data_dir>/jobs
  std::string stage_bin;              ///< kagent-stage; default: next to kagentd
  std::string python = "/usr/bin/python3";
  int stage_timeout_s = 900;          ///< wall-clock limit per stage attempt
  int time_budget_s = 120;            ///< model search budget given to plan/train
  int max_attempts = 2;               ///< attempts per stage before the job fails
  int retry_backoff_ms = 1000;        ///< first retry delay, doubled per attempt
  int log_lines = 1000;               ///< output lines stored per stage step: first and last N; 0 = all
  llm_options llm;                    ///< off by default: rules and templates only
};

/// Where competitions come from (sources/): local mirrors, the download
/// cache, and the Kaggle API when credentials are found (KAGGLE_USERNAME +
/// KAGGLE_KEY or kaggle.json; secrets, so not options).
struct sources_options {
  std::vector<std::string> mirrors;   ///< mirror folders, searched in order
  std::string cache_dir;              ///< downloads, laid out as a mirror; default <data_dir>/cache
  std::string kaggle_api_url = "https://www.kaggle.com/api/v1";
  int64_t max_download_bytes = 20LL << 30;  ///< largest archive downloaded
  int64_t max_unpacked_bytes = 50LL << 30;  ///< largest total of its unpacked files
  int64_t max_unpack_ratio = 200;     ///< unpacked bytes per archive byte (zip bombs)
  int download_timeout_s = 3600;      ///< one competition's whole fetch
  int retries = 5;                    ///< retries of a failed request (429, 5xx, network)
};

/// Database (persistence/).
struct database_options {
  std::string url;              ///< empty: embedded PostgreSQL in pg_dir
  std::string pg_dir;           ///< embedded cluster's directory; empty: <data_dir>/pg
  std::string pg_bin = "/usr/lib/postgresql/15/bin";
  int readers = 2;              ///< read connections (status, lists, files)
  int writers = 4;              ///< write connections; new jobs' commits overlap
};

/// Cluster mode (cluster/, docs/ARCHITECTURE.md, the cluster). standalone: the head with a local
/// node in one process; head: publishes the node registry on the cluster
/// port; worker: runs stages for the head it joins.
struct cluster_options {
  std::string role = "standalone";
  std::string host = "127.0.0.1";   ///< head: the cluster port's address
  uint16_t port = 4242;             ///< head: the cluster port
  size_t local_slots = 0;           ///< head: stages the head runs itself
  std::string join;                 ///< worker: HOST:PORT of the head
  size_t slots = 2;                 ///< worker: stages at once
  std::string node_name;            ///< default: the host name
  std::string tls_cert, tls_key, tls_ca;  ///< PEM files; required off loopback
  int heartbeat_ms = 250;           ///< middleman heartbeat
  int connection_timeout_ms = 1500; ///< a peer silent this long is lost
};

/// Everything kagentd reads from flags, the config file and the environment.
struct server_options {
  http_options http;
  admission_options admission;
  sandbox_options sandbox;
  pipeline_options pipeline;
  sources_options sources;
  cluster_options cluster;
  database_options database;
  std::string log_level = "info";
  std::string llm_key;          ///< for the proxy only; never in pipeline options or logs
};

} // namespace kagent
