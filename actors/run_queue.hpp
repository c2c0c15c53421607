// Admission's run queue (issue 13): jobs waiting for a slot, in run order,
// indexed by id. Two sections: jobs resumed at a restart (oldest first, read
// in pages while the server already accepts new jobs) run before every job
// accepted since. An entry is about 140 bytes with its index: the id as 16
// bytes, owner / URL / competition interned, and the record rebuilt on
// demand; a job whose committed record is more than a fresh queued one (it
// was running at the crash) keeps its whole resumable_job. Pure.
#pragma once

#include <list>
#include <memory>
#include <optional>
#include <unordered_map>

#include "actors/string_pool.hpp"
#include "core/job.hpp"
#include "core/uuid.hpp"

namespace kagent {

/// A queued job as it would be committed by admission: queued, no stage,
/// the metadata make_job writes. What a compact entry can rebuild.
job_record fresh_queued_record(const std::string& id, const std::string& owner,
                               const std::string& url, const std::string& competition,
                               int64_t created_at, int32_t time_budget_s);

class run_queue {
public:
  run_queue() = default;
  run_queue(const run_queue&) = delete;  // new_begin_ may be the list's own end()
  run_queue& operator=(const run_queue&) = delete;

  /// A job accepted since start: it runs after every resumed job. False
  /// (nothing queued) when its id is not a UUID or is queued already.
  bool push_new(resumable_job r);

  /// A job read back at a restart: after the resumed jobs queued so far,
  /// before every new one.
  bool push_resumed(resumable_job r);

  /// Puts back a job taken out, at the head of its section (a cancel whose
  /// write failed: it was next or near it).
  bool put_back(resumable_job r, bool resumed);

  /// True when pop() would give a job; new jobs only with `new_allowed`
  /// (while resumed jobs are still being read, older ones may be missing).
  bool has_next(bool new_allowed) const;

  /// The next job to run; call only when has_next() allows it.
  resumable_job pop();

  /// A queued job and whether it was resumed.
  struct taken {
    resumable_job job;
    bool resumed = false;
  };

  /// Removes a queued job (a cancel).
  std::optional<taken> take(const std::string& id);

  /// The committed record of a queued job.
  std::optional<job_record> find(const std::string& id) const;

  bool contains(const std::string& id) const;

  size_t size() const { return entries_.size(); }
  size_t resumed() const { return resumed_; }

private:
  struct entry {
    uuid_bytes id;
    bool resumed = false;
    int32_t time_budget_s = 0;
    int64_t created_at = 0;
    uint32_t owner = 0, url = 0, competition = 0;  ///< in pool_
    std::unique_ptr<resumable_job> full;           ///< only when not rebuildable
  };
  struct id_hash {
    size_t operator()(const uuid_bytes& b) const noexcept;
  };
  using list = std::list<entry>;

  bool insert(list::iterator before, resumable_job r, bool resumed);
  resumable_job rebuild(const entry& e) const;
  /// The entry of a queued id (not a UUID or not queued: none).
  std::optional<list::iterator> locate(const std::string& id) const;
  void erase(list::iterator at);

  list entries_;
  list::iterator new_begin_ = entries_.end();  ///< first job accepted since start
  size_t resumed_ = 0;
  std::unordered_map<uuid_bytes, list::iterator, id_hash> index_;
  string_pool pool_;
};

} // namespace kagent
