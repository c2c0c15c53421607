// The admission actor: accepts or rejects new jobs against max_queued, makes
// each accepted job durable before answering, and starts queued jobs as
// running slots free up (max_running). It owns the run queue.
#pragma once

#include <cstddef>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/messages.hpp"
#include "config/options.hpp"

namespace kagent {

/// Counts that admission decisions are made from.
struct admission_counts {
  size_t queued = 0;   ///< committed, waiting for a slot
  size_t pending = 0;  ///< accepted, row not yet committed
  size_t running = 0;
  size_t unloaded = 0; ///< unfinished at the restart, not yet read into the queue
};

/// True when one more job may be accepted. Jobs still to be resumed count:
/// a restart does not let the queue grow past max_queued while it reads them.
bool can_accept(const admission_counts& c, const admission_options& opts);

/// True when a queued job may start now.
bool can_start(const admission_counts& c, const admission_options& opts);

/// Why a requested per-job budget is refused, or "" (0 = the server's default).
std::string check_time_budget(int time_budget_s, const admission_options& opts);

/// A fresh job row for an accepted URL and slug.
job_record make_job(const std::string& url, const std::string& slug,
                    const std::string& owner, int time_budget_s = 0);

/// Spawns the admission actor. It sends (start_atom, resumable_job) to
/// `supervisor` and expects (job_done_atom, job_id) back.
/// `db_reader` answers Idempotency-Key lookups (may be null: keys then get 409)
/// and the pages of a restart's resume (opts.resume_page_size jobs each).
caf::actor spawn_admission(caf::actor_system& sys, admission_options opts,
                           caf::actor persistence, caf::actor supervisor,
                           caf::actor db_reader = {});

} // namespace kagent
