// The text frames of the WebSocket streams (GET /ws/jobs/{id}, GET /ws/jobs).
// Pure; times are ISO 8601 UTC.
#pragma once

#include <string>

#include "actors/messages.hpp"
#include "core/job.hpp"

namespace kagent::http {

/// `{"type":"event","job_id","seq","time","stage","kind","message","progress"}`;
/// progress is null for events that carry none.
std::string event_frame(const job_event& ev);

/// event_frame(ev), remembered per thread for the last event asked for: every
/// subscriber of a job gets the same event, so a fan-out to N feeds
/// serializes it once per thread instead of N times.
const std::string& shared_event_frame(const job_event& ev);

/// `{"type":"end","job_id","status"}`: the last frame of a job's stream.
std::string end_frame(const std::string& job_id, const std::string& status);

/// `{"type":"job","job":<status object>}` of GET /ws/jobs.
std::string job_frame(const job_record& job);

} // namespace kagent::http
