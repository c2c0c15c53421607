// What the router asks the bridge to do: one validated call per request that
// needs the actors. Plain data; the bridge turns it into actor requests.
#pragma once

#include <cstdint>
#include <string>

#include <caf/allowed_unsafe_message_type.hpp>

namespace kagent::http {

/// The endpoints that need an answer from the actors.
enum class api_kind : uint8_t {
  submit,      ///< POST /run
  status,      ///< GET /status/{id}
  submission,  ///< GET /result/{id}/submission.csv
  stage_file,  ///< GET /result/{id}/{solution.py,profile.json,plan.json,metrics.json,validation.json}
  logs,        ///< GET /logs/{id}
  list,        ///< GET /jobs
  health,      ///< GET /health
  cancel,      ///< DELETE /jobs/{id}
  ws_job,      ///< GET /ws/jobs/{id} (upgrade): does the job exist?
  ws_jobs,     ///< GET /ws/jobs (upgrade)
  metrics,     ///< GET /metrics
  kaggle_submit, ///< POST /jobs/{id}/submit
  cluster,     ///< GET /cluster
};

/// Name of an endpoint kind, for logs ("submit", "status", ...).
const char* to_string(api_kind x);

/// A validated call: job ids are UUIDs, filters and limits are in range.
struct api_call {
  api_kind kind = api_kind::health;
  std::string job_id;         ///< status, submission, stage_file, logs, cancel
  std::string key_hash;       ///< SHA-256 of the API key the request carries; "" = none
  std::string url;            ///< submit: the competition URL, trimmed
  std::string idempotency_key;  ///< submit: the Idempotency-Key header; "" = none
  std::string request_hash;   ///< submit: SHA-256 of what it asks for (url, budget)
  int32_t time_budget_s = 0;  ///< submit: the job's model-search budget; 0 = server's
  std::string status_filter;  ///< list: empty = all
  int32_t limit = 100;        ///< list: 1..1000
  int64_t since = 0;          ///< ws_job: replay events with seq > since
  std::string message;        ///< kaggle_submit: the submission's description
  std::string file;           ///< stage_file: one of http/stage_files.hpp's names
  int64_t http_in_flight = 0; ///< metrics: the server's counters when routed
  int64_t http_sessions = 0;  ///< metrics
  int64_t ws_sessions = 0;    ///< metrics
};

} // namespace kagent::http

// Local-only payload: it goes from a session to the bridge in one process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagent::http::api_call)
