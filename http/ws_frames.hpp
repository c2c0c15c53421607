// The text frames of the WebSocket streams (GET /ws/jobs/{id}, GET /ws/jobs)
// and the Prometheus text of GET /metrics. Pure; times are ISO 8601 UTC.
#pragma once

#include <string>

#include "actors/messages.hpp"
#include "cluster/node_registry.hpp"
#include "core/job.hpp"

namespace kagent::http {

/// `{"type":"event","job_id","seq","time","stage","kind","message","progress"}`;
/// progress is null for events that carry none.
std::string event_frame(const job_event& ev);

/// `{"type":"end","job_id","status"}`: the last frame of a job's stream.
std::string end_frame(const std::string& job_id, const std::string& status);

/// `{"type":"job","job":<status object>}` of GET /ws/jobs.
std::string job_frame(const job_record& job);

/// What GET /metrics reports.
struct metrics_view {
  admission_stats admission;
  bool admission_ok = false;
  hub_stats hub;
  bool hub_ok = false;
  int64_t http_in_flight = 0;
  int64_t http_sessions = 0;
  int64_t ws_sessions = 0;
  cluster::cluster_view cluster;
  bool cluster_ok = false;
};

/// The Prometheus text exposition (version 0.0.4) of `m`.
std::string metrics_text(const metrics_view& m);

} // namespace kagent::http
