// The finished-job cache: the last committed record of recently finished
// jobs, bounded by entries (least recently used goes first), in front of the
// database readers for GET /status. Plain data, owned by the job supervisor.
//
// Staleness rules: only terminal records are held, and only once committed
// (a job's final write, or a read of the database). A record read from the
// database may be older than one written meanwhile (a Kaggle answer recorded
// on a finished job), so a fill carries the generation seen before its read
// and is dropped when anything was stored since.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/job.hpp"

namespace kagent {

/// A bounded LRU map of job id -> committed terminal job_record.
class job_cache {
public:
  /// A cache of at most `capacity` records (0 holds none).
  explicit job_cache(size_t capacity = 0);

  /// The record of `id`, marked most recently used; nothing on a miss.
  std::optional<job_record> find(const std::string& id);

  /// Stores a committed record, replacing any older one; a record that is
  /// not terminal removes the entry instead. Starts a new generation.
  void store(const job_record& rec);

  /// Stores a record read from the database when nothing was stored since
  /// `gen` was taken and the id has no entry. True when it was kept.
  bool fill(const job_record& rec, uint64_t gen);

  /// Drops the entry of `id`, if any. Starts a new generation.
  void erase(const std::string& id);

  /// Taken before a database read whose answer goes to fill().
  uint64_t generation() const { return generation_; }

  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }

private:
  void put(const job_record& rec);

  size_t capacity_;
  uint64_t generation_ = 0;
  std::list<job_record> order_;  ///< most recently used first
  std::unordered_map<std::string, std::list<job_record>::iterator> index_;
};

} // namespace kagent
