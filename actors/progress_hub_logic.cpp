#include "actors/progress_hub_logic.hpp"

#include <algorithm>

namespace kagent {

void ring_push(std::deque<job_event>& ring, job_event ev, size_t capacity) {
  while (!ring.empty() && ring.back().seq >= ev.seq)
    ring.pop_back();
  ring.push_back(std::move(ev));
  while (ring.size() > capacity)
    ring.pop_front();
}

std::vector<job_event> replay_from(const std::deque<job_event>& ring, int64_t since) {
  auto first = std::upper_bound(ring.begin(), ring.end(), since,
                                [](int64_t s, const job_event& ev) { return s < ev.seq; });
  return {first, ring.end()};
}

bool needs_database(int64_t since, bool known, int64_t oldest) {
  return !known || oldest == 0 || since + 1 < oldest;
}

snapshot_change classify(const job_record* prev, const job_record& next) {
  if (!prev || prev->status != next.status || prev->stage != next.stage
      || prev->attempt != next.attempt || prev->error != next.error
      || prev->started_at != next.started_at || prev->completed_at != next.completed_at)
    return snapshot_change::state;
  return prev->metadata == next.metadata ? snapshot_change::none : snapshot_change::progress;
}

bool progress_due(int64_t last_sent_ms, int64_t now_ms, int64_t min_interval_ms) {
  return now_ms - last_sent_ms >= min_interval_ms;
}

std::string terminal_status_of(const job_event& ev) {
  if (ev.kind != "status")
    return {};
  auto st = ev.message.substr(0, ev.message.find(':'));
  return is_terminal(st) ? st : std::string{};
}

std::vector<job_event> event_cursor::take(std::vector<job_event> evs) {
  // The live case, one event right after the cursor, skips the map.
  if (pending_.empty() && evs.size() == 1 && evs.front().seq == last_ + 1) {
    last_ = evs.front().seq;
    return evs;
  }
  for (auto& ev : evs)
    if (ev.seq > last_)
      pending_.emplace(ev.seq, std::move(ev));
  std::vector<job_event> out;
  for (auto i = pending_.begin(); i != pending_.end() && i->first == last_ + 1;
       i = pending_.erase(i)) {
    last_ = i->first;
    out.push_back(std::move(i->second));
  }
  return out;
}

} // namespace kagent
