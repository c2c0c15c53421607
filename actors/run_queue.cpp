#include "actors/run_queue.hpp"

#include <cstring>

#include <rapidjson/document.h>

#include "actors/job_metadata.hpp"

namespace kagent {

job_record fresh_queued_record(const std::string& id, const std::string& owner,
                               const std::string& url, const std::string& competition,
                               int64_t created_at, int32_t time_budget_s) {
  job_record rec;
  rec.id = id;
  rec.owner = owner;
  rec.url = url;
  rec.competition = competition;
  rec.status = status::queued;
  rec.created_at = created_at;
  job_metadata meta;
  meta.competition = competition;
  meta.time_budget_s = time_budget_s;
  meta.message = "Queued";
  rec.metadata = render_metadata(meta);
  return rec;
}

namespace {

// The same JSON value: a row read back from jsonb is spelled differently
// (spaces, key order) from what render_metadata wrote.
bool same_json(const std::string& a, const std::string& b) {
  if (a == b)
    return true;
  rapidjson::Document x, y;
  x.Parse(a.c_str(), a.size());
  y.Parse(b.c_str(), b.size());
  return !x.HasParseError() && !y.HasParseError() && x == y;
}

bool same_record(const job_record& a, const job_record& b) {
  return a.id == b.id && a.owner == b.owner && a.url == b.url && a.competition == b.competition
         && a.status == b.status && a.stage == b.stage && a.attempt == b.attempt
         && a.created_at == b.created_at && a.started_at == b.started_at
         && a.completed_at == b.completed_at && a.node == b.node && a.error == b.error
         && same_json(a.metadata, b.metadata);
}

} // namespace

size_t run_queue::id_hash::operator()(const uuid_bytes& b) const noexcept {
  uint64_t lo, hi;  // random bits already: folding them is a good hash
  std::memcpy(&lo, b.data(), 8);
  std::memcpy(&hi, b.data() + 8, 8);
  return static_cast<size_t>(lo ^ (hi * 0x9E3779B97F4A7C15ull));
}

bool run_queue::push_new(resumable_job r) {
  return insert(entries_.end(), std::move(r), false);
}

bool run_queue::push_resumed(resumable_job r) {
  return insert(new_begin_, std::move(r), true);
}

bool run_queue::put_back(resumable_job r, bool resumed) {
  return insert(resumed ? entries_.begin() : new_begin_, std::move(r), resumed);
}

bool run_queue::insert(list::iterator before, resumable_job r, bool resumed) {
  auto id = uuid_to_bytes(r.job.id);
  if (!id || index_.count(*id))
    return false;
  entry e;
  e.id = *id;
  e.resumed = resumed;
  e.created_at = r.job.created_at;
  e.owner = pool_.acquire(r.job.owner);
  e.url = pool_.acquire(r.job.url);
  e.competition = pool_.acquire(r.job.competition);
  e.time_budget_s = parse_metadata(r.job.metadata).time_budget_s;
  auto plain = r.done.empty() && r.last_seq == 0
               && same_record(r.job, fresh_queued_record(uuid_from_bytes(e.id), r.job.owner,
                                                        r.job.url, r.job.competition,
                                                        e.created_at, e.time_budget_s));
  if (!plain)
    e.full = std::make_unique<resumable_job>(std::move(r));
  auto at = entries_.insert(before, std::move(e));
  // A new job inserted where the new section starts (or at the end of an
  // empty one) becomes its head; a resumed or put-back one stays before it.
  if (!resumed && (before == new_begin_ || new_begin_ == entries_.end()))
    new_begin_ = at;
  if (resumed)
    ++resumed_;
  index_.emplace(at->id, at);
  return true;
}

resumable_job run_queue::rebuild(const entry& e) const {
  if (e.full)
    return *e.full;
  return resumable_job{fresh_queued_record(uuid_from_bytes(e.id), pool_.get(e.owner),
                                           pool_.get(e.url), pool_.get(e.competition),
                                           e.created_at, e.time_budget_s),
                       {}, 0};
}

void run_queue::erase(list::iterator at) {
  if (at == new_begin_)
    new_begin_ = std::next(at);
  if (at->resumed)
    --resumed_;
  pool_.release(at->owner);
  pool_.release(at->url);
  pool_.release(at->competition);
  index_.erase(at->id);
  entries_.erase(at);
}

bool run_queue::has_next(bool new_allowed) const {
  return !entries_.empty() && (new_allowed || entries_.begin()->resumed);
}

resumable_job run_queue::pop() {
  auto at = entries_.begin();
  auto out = at->full ? std::move(*at->full) : rebuild(*at);
  erase(at);
  return out;
}

std::optional<run_queue::list::iterator> run_queue::locate(const std::string& id) const {
  auto key = uuid_to_bytes(id);
  if (!key)
    return std::nullopt;
  auto i = index_.find(*key);
  if (i == index_.end())
    return std::nullopt;
  return i->second;
}

std::optional<run_queue::taken> run_queue::take(const std::string& id) {
  auto found = locate(id);
  if (!found)
    return std::nullopt;
  auto at = *found;
  taken out{at->full ? std::move(*at->full) : rebuild(*at), at->resumed};
  erase(at);
  return out;
}

std::optional<job_record> run_queue::find(const std::string& id) const {
  auto found = locate(id);
  if (!found)
    return std::nullopt;
  auto& e = **found;
  if (e.full)
    return e.full->job;
  return rebuild(e).job;
}

bool run_queue::contains(const std::string& id) const {
  return locate(id).has_value();
}

} // namespace kagent
