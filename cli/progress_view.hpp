// What `--follow` shows: a pure model of the job's stages fed by events, and
// renderers from that model to text (bars for a terminal, plain lines else).
#pragma once

#include <string>
#include <vector>

#include "cli/events.hpp"

namespace kagent::cli {

/// Where one stage stands.
enum class stage_phase { pending, running, done, failed };

/// One stage's line.
struct stage_view {
  std::string name;
  stage_phase phase = stage_phase::pending;
  double progress = 0; ///< 0..1
  std::string message; ///< the last message seen for this stage
  int attempt = 1;
};

/// Every stage of one job, in pipeline order.
struct progress_state {
  std::vector<stage_view> stages;
  std::string final_status; ///< from the `status` event, e.g. "failed: reason"
};

/// The four pipeline stages, all pending.
progress_state initial_progress();

/// Folds one event into the state (unknown stages are appended).
void apply(progress_state& state, const stream_event& ev);

/// One bar line per stage, each at most `width` columns.
std::vector<std::string> render_bars(const progress_state& state, int width);

/// The plain line for an event (`[train] 40% fold 2/5`); empty = print nothing.
std::string plain_line(const stream_event& ev);

/// The line `logs --follow` prints, like GET /logs: `time [stage] kind: message`.
std::string log_line(const stream_event& ev);

/// Cuts a UTF-8 string to at most `columns` code points (adds "…" when cut).
std::string fit_columns(const std::string& s, int columns);

} // namespace kagent::cli
