#include "actors/job_cache.hpp"

namespace kagent {

job_cache::job_cache(size_t capacity) : capacity_(capacity) {
  index_.reserve(capacity);
}

std::optional<job_record> job_cache::find(const std::string& id) {
  auto i = index_.find(id);
  if (i == index_.end())
    return std::nullopt;
  order_.splice(order_.begin(), order_, i->second);
  return *i->second;
}

void job_cache::store(const job_record& rec) {
  ++generation_;
  if (!is_terminal(rec.status)) {
    erase(rec.id);
    return;
  }
  put(rec);
}

bool job_cache::fill(const job_record& rec, uint64_t gen) {
  // A newer write since the read, or any entry already there, wins.
  if (gen != generation_ || !is_terminal(rec.status) || index_.count(rec.id) != 0)
    return false;
  put(rec);
  return index_.count(rec.id) != 0;
}

void job_cache::erase(const std::string& id) {
  ++generation_;
  auto i = index_.find(id);
  if (i == index_.end())
    return;
  order_.erase(i->second);
  index_.erase(i);
}

void job_cache::put(const job_record& rec) {
  if (capacity_ == 0)
    return;
  if (auto i = index_.find(rec.id); i != index_.end()) {
    *i->second = rec;
    order_.splice(order_.begin(), order_, i->second);
    return;
  }
  order_.push_front(rec);
  index_.emplace(rec.id, order_.begin());
  while (index_.size() > capacity_) {
    index_.erase(order_.back().id);
    order_.pop_back();
  }
}

} // namespace kagent
