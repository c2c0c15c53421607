// Decisions of the progress hub and of its subscribers, as plain functions:
// the replay ring, what a new subscriber is sent, whether the database must
// fill a gap, coalescing of job snapshots, and an exact (gapless,
// duplicate-free) event cursor. No actors here; tested without them.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "core/job.hpp"

namespace kagent {

/// Appends `ev` to `ring` keeping at most `capacity` newest events. An event
/// whose seq is not above the newest (a respawned job renumbering) replaces
/// the events from its seq on.
void ring_push(std::deque<job_event>& ring, job_event ev, size_t capacity);

/// The events of `ring` with seq > since, in order.
std::vector<job_event> replay_from(const std::deque<job_event>& ring, int64_t since);

/// True when a subscriber resuming after `since` must read the database:
/// the hub never saw the job, or its ring starts after since + 1.
bool needs_database(int64_t since, bool known, int64_t oldest);

/// How a job snapshot differs from the last one published.
enum class snapshot_change { none, progress, state };

/// `state` when status, stage, attempt or error differ (or `prev` is empty),
/// `progress` when only the metadata differs, `none` otherwise.
snapshot_change classify(const job_record* prev, const job_record& next);

/// True when a progress-only change may go out now: `min_interval_ms` have
/// passed since the last snapshot of the job was sent at `last_sent_ms`.
bool progress_due(int64_t last_sent_ms, int64_t now_ms, int64_t min_interval_ms);

/// The terminal status a `status` event announces ("failed: why" -> "failed"),
/// empty for every other event.
std::string terminal_status_of(const job_event& ev);

/// Hands out a job's events exactly once and in seq order, whatever order
/// and overlap the ring, the database and live pushes deliver them in.
class event_cursor {
public:
  /// Starts after `since` (0 = from the first event).
  explicit event_cursor(int64_t since) : last_(since) {
  }

  /// Takes `evs`; returns those now deliverable (seq last+1, last+2, ...).
  /// Events at or below the cursor are dropped; later ones wait for the gap.
  std::vector<job_event> take(std::vector<job_event> evs);

  /// The seq of the last event handed out.
  int64_t last() const {
    return last_;
  }

  /// True while events above a gap are waiting.
  bool has_gap() const {
    return !pending_.empty();
  }

private:
  int64_t last_;
  std::map<int64_t, job_event> pending_;
};

} // namespace kagent
