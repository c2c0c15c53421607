#include "actors/persistence.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/write_backlog.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "persistence/job_batch.hpp"
#include "persistence/job_repository.hpp"
#include "persistence/key_repository.hpp"
#include "persistence/pg_connection.hpp"

namespace kagent {

namespace {

// Bounds one transaction; a longer queue is flushed in several.
constexpr size_t max_batch = 512;

struct pending_write {
  std::function<caf::error(pg::connection&)> apply;  ///< empty for a plain insert (row)
  std::optional<job_record> row;  ///< a plain insert: joins its neighbours' one INSERT
  caf::response_promise promise;
  const char* what;
  size_t bytes = 0;     ///< payload size, for the backlog bound
  bool keep = true;     ///< kept through an outage (false: inserts fail fast)
};

struct persistence_state {
  std::string conninfo;
  std::optional<pg::connection> conn;
  std::vector<pending_write> batch;
  write_backlog backlog;
  std::deque<pending_write> held;  ///< the backlog's writes, oldest first
  bool retry_scheduled = false;
  metrics::registry_ptr metrics;   ///< batch sizes and commit times
  static inline const char* name = "persistence";
};

using persistence_ptr = caf::stateful_actor<persistence_state>*;

caf::error connect(persistence_ptr self) {
  return pg::reopen(self->state.conn, self->state.conninfo);
}

caf::error apply(pending_write& w, pg::connection& conn) {
  return w.row ? pg::insert_job(conn, *w.row) : w.apply(conn);
}

// Where the statement starting at writes[i] ends: neighbouring plain inserts
// go as one multi-row INSERT (`together`), anything else alone.
size_t statement_end(const std::vector<pending_write>& writes, size_t i, bool together) {
  auto end = i + 1;
  if (together && writes[i].row)
    while (end < writes.size() && writes[end].row && end - i < pg::max_job_insert_rows)
      ++end;
  return end;
}

caf::error insert_rows(pg::connection& conn, const std::vector<pending_write>& writes,
                       size_t first, size_t end) {
  std::vector<const job_record*> rows;
  rows.reserve(end - first);
  for (auto k = first; k < end; ++k)
    rows.push_back(&*writes[k].row);
  return pg::insert_jobs(conn, rows);
}

// One transaction over `writes`. A write that aborts the transaction by itself
// is recorded in `failed` and the transaction replayed without it (inserts
// that failed together are replayed one by one first, to find the one); the
// returned error is for the whole batch (connection lost, COMMIT failed).
caf::error run_batch(pg::connection& conn, std::vector<pending_write>& writes,
                     std::vector<caf::error>& results) {
  std::vector<bool> failed(writes.size(), false);
  bool together = true;
  if (!writes.empty() && statement_end(writes, 0, true) == writes.size() && writes[0].row) {
    // Only new jobs: one statement, which commits by itself (before it
    // returns) or not at all; no BEGIN and COMMIT round trips.
    auto err = insert_rows(conn, writes, 0, writes.size());
    if (!err || code_of(err) == errc::db_unavailable || !conn.ok())
      return err;
    together = false;  // one of them is bad: find it row by row
  }
  for (;;) {
    if (auto err = conn.exec_script("BEGIN"))
      return err;
    bool replay = false;
    for (size_t i = 0, end = 0; i < writes.size() && !replay; i = end) {
      end = i + 1;
      if (failed[i])
        continue;
      end = statement_end(writes, i, together);
      auto err = end - i > 1 ? insert_rows(conn, writes, i, end) : apply(writes[i], conn);
      for (auto k = i; k < end; ++k)
        results[k] = err;
      if (!err || !conn.in_failed_transaction())
        continue;  // ok, or refused without SQL error (e.g. update of no row)
      if (code_of(err) == errc::db_unavailable || !conn.ok())
        return err;
      if (end - i > 1)
        together = false;
      else
        failed[i] = true;
      replay = true;
    }
    if (replay) {
      if (auto err = conn.exec_script("ROLLBACK"))
        return err;
      continue;
    }
    if (auto err = conn.exec_script("COMMIT")) {
      if (conn.in_transaction())
        conn.exec_script("ROLLBACK");
      return err;
    }
    return caf::none;
  }
}

void schedule_retry(persistence_ptr self) {
  auto& st = self->state;
  if (st.retry_scheduled)
    return;
  st.retry_scheduled = true;
  self->delayed_send(self, st.backlog.next_delay(), retry_atom::value);
}

// The database is away: writes that must land wait in the backlog (in
// arrival order, behind older ones) and are retried until it is back;
// inserts fail at once (the client gets 503, no job exists). Beyond the
// backlog's bound a write is refused and its sender retries later.
// `w` joins the backlog at its front (a batch that just failed, which is
// older than everything held) or its back (a write that arrived meanwhile).
void hold(persistence_ptr self, pending_write&& w, bool front) {
  auto& st = self->state;
  st.backlog.down(now_ms());
  if (w.keep && st.backlog.admit(w.bytes)) {
    if (front)
      st.held.push_front(std::move(w));
    else
      st.held.push_back(std::move(w));
  } else {
    if (w.keep)
      get_logger("persistence")->error("write refused; backlog full kind={} backlog={}", w.what,
                                       st.backlog.writes());
    w.promise.deliver(make_error(errc::db_unavailable, "database unavailable"));
  }
  schedule_retry(self);
}

// Without writes to retry, a connection tells whether the outage is over.
void probe(persistence_ptr self) {
  auto& st = self->state;
  if (connect(self)) {
    st.conn.reset();
    return schedule_retry(self);
  }
  get_logger("persistence")->info("database back outage_ms={}", now_ms() - st.backlog.since_ms());
  st.backlog.recovered();
}

// Takes up to max_batch writes: the backlog's first, so order is kept.
std::vector<pending_write> take_writes(persistence_state& st) {
  std::vector<pending_write> writes;
  while (!st.held.empty() && writes.size() < max_batch) {
    st.backlog.release(st.held.front().bytes);
    writes.push_back(std::move(st.held.front()));
    st.held.pop_front();
  }
  auto n = std::min(st.batch.size(), max_batch - writes.size());
  writes.insert(writes.end(), std::make_move_iterator(st.batch.begin()),
                std::make_move_iterator(st.batch.begin() + n));
  st.batch.erase(st.batch.begin(), st.batch.begin() + n);
  return writes;
}

void flush(persistence_ptr self) {
  auto& st = self->state;
  if (st.batch.empty() && st.held.empty())
    return st.backlog.outage() ? probe(self) : void();
  auto log = get_logger("persistence");
  auto writes = take_writes(st);
  std::vector<caf::error> results(writes.size());
  caf::error batch_err;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!st.conn || !st.conn->ok())
      batch_err = connect(self);
    if (!batch_err) {
      auto begun = std::chrono::steady_clock::now();
      batch_err = run_batch(*st.conn, writes, results);
      std::chrono::duration<double> took = std::chrono::steady_clock::now() - begun;
      if (batch_err)
        st.metrics->database().count_batch_failure();
      else
        st.metrics->database().observe_commit(writes.size(), took.count());
    }
    if (!batch_err || code_of(batch_err) != errc::db_unavailable)
      break;
    if (attempt == 0 && !st.backlog.outage())
      log->warn("write batch failed; reconnecting writes={} error={}", writes.size(),
                detail_of(batch_err));
    st.conn.reset();
  }
  if (batch_err && code_of(batch_err) == errc::db_unavailable) {
    if (!st.backlog.outage())
      log->warn("database unavailable; holding writes until it is back writes={} error={}",
                writes.size(), detail_of(batch_err));
    for (auto i = writes.rbegin(); i != writes.rend(); ++i)
      hold(self, std::move(*i), true);
    return;
  }
  if (st.backlog.outage() && st.held.empty()) {
    log->info("database back; write backlog flushed outage_ms={}",
              now_ms() - st.backlog.since_ms());
    st.backlog.recovered();
  }
  if (batch_err)
    log->error("write batch lost writes={} error={}", writes.size(), detail_of(batch_err));
  for (size_t i = 0; i < writes.size(); ++i) {
    auto& err = batch_err ? batch_err : results[i];
    if (!err) {
      writes[i].promise.deliver(caf::ok_atom::value);
      continue;
    }
    if (!batch_err)
      log->warn("write refused kind={} error={}", writes[i].what, detail_of(err));
    writes[i].promise.deliver(err);
  }
  if (!st.batch.empty() || !st.held.empty())
    self->send(self, flush_atom::value);
}

caf::response_promise enqueue(persistence_ptr self, pending_write&& w) {
  auto& st = self->state;
  auto promise = self->make_response_promise();
  w.promise = promise;
  if (st.backlog.outage()) {
    // No round trip per write while the database is away: the retry timer
    // finds out when it is back.
    hold(self, std::move(w), false);
    return promise;
  }
  // Only the first write of a batch schedules the flush, which then runs
  // after every message already in the mailbox has joined the batch.
  if (st.batch.empty())
    self->send(self, flush_atom::value);
  st.batch.push_back(std::move(w));
  return promise;
}

caf::response_promise enqueue(persistence_ptr self, const char* what, size_t bytes, bool keep,
                              std::function<caf::error(pg::connection&)> apply) {
  return enqueue(self, pending_write{std::move(apply), std::nullopt, {}, what, bytes, keep});
}

size_t size_of(const job_record& j) {
  return sizeof(j) + j.url.size() + j.metadata.size() + j.error.size() + j.owner.size();
}

caf::behavior persistence(persistence_ptr self, std::string conninfo,
                          metrics::registry_ptr metrics) {
  self->state.conninfo = std::move(conninfo);
  self->state.metrics = metrics::or_private(std::move(metrics));
  self->set_exit_handler([=](caf::exit_msg& msg) {
    // One last try: what the database does not take now stays non-terminal
    // in its rows and resumes on the next start.
    auto& st = self->state;
    for (int rounds = 0; (!st.batch.empty() || !st.held.empty()) && rounds < 64; ++rounds) {
      auto before = st.batch.size() + st.held.size();
      flush(self);
      if (st.backlog.outage() && st.batch.size() + st.held.size() >= before)
        break;
    }
    for (auto& w : st.held)
      w.promise.deliver(make_error(errc::shutting_down, "server is shutting down"));
    for (auto& w : st.batch)
      w.promise.deliver(make_error(errc::shutting_down, "server is shutting down"));
    self->quit(msg.reason);
  });
  return {
    [=](insert_atom, job_record& job) {
      auto n = size_of(job);
      return enqueue(self, pending_write{{}, std::move(job), {}, "insert", n, false});
    },
    [=](insert_atom, job_record& job, std::string& idem_key, std::string& request_hash) {
      auto n = size_of(job) + idem_key.size() + request_hash.size();
      return enqueue(self, "insert", n, false,
                     [job = std::move(job), idem_key = std::move(idem_key),
                      request_hash = std::move(request_hash)](pg::connection& c) {
                       return pg::insert_job_idempotent(c, job, idem_key, request_hash);
                     });
    },
    [=](update_atom, job_record& job) {
      auto n = size_of(job);
      return enqueue(self, "update", n, true, [job = std::move(job)](pg::connection& c) {
        return pg::update_job(c, job);
      });
    },
    [=](checkpoint_atom, std::string& job_id, std::string& stage, stage_outputs& outputs,
        int64_t duration_ms) {
      size_t n = 256;
      for (auto& [name, content] : outputs)
        n += name.size() + content.size();
      return enqueue(self, "checkpoint", n, true,
                     [job_id = std::move(job_id), stage = std::move(stage),
                      outputs = std::move(outputs), duration_ms](pg::connection& c) {
                       return pg::save_checkpoint(c, job_id, stage, outputs, duration_ms);
                     });
    },
    [=](events_atom, std::vector<job_event>& events) {
      size_t n = 0;
      for (auto& ev : events)
        n += sizeof(ev) + ev.message.size() + ev.stage.size() + ev.kind.size();
      return enqueue(self, "events", n, true, [events = std::move(events)](pg::connection& c) {
        return pg::append_events(c, events);
      });
    },
    [=](artifact_atom, std::string& job_id, std::string& name, std::string& bytes) {
      auto n = 256 + bytes.size();
      return enqueue(self, "artifact", n, true,
                     [job_id = std::move(job_id), name = std::move(name),
                      bytes = std::move(bytes)](pg::connection& c) {
                       return pg::save_artifact(c, job_id, name, bytes);
                     });
    },
    [=](flush_atom) { flush(self); },
    [=](retry_atom) {
      self->state.retry_scheduled = false;
      flush(self);
    },
    [=](stats_atom) {
      auto& b = self->state.backlog;
      return persistence_stats{static_cast<int64_t>(b.writes()), static_cast<int64_t>(b.bytes()),
                               b.since_ms(), b.refused()};
    },
  };
}

} // namespace

caf::actor spawn_persistence(caf::actor_system& sys, std::string conninfo,
                             metrics::registry_ptr metrics) {
  return sys.spawn<caf::detached>(persistence, std::move(conninfo), std::move(metrics));
}

persistence_pool spawn_persistence_pool(caf::actor_system& sys, std::string conninfo, size_t n,
                                        metrics::registry_ptr metrics) {
  persistence_pool out;
  for (size_t i = 0; i < std::max<size_t>(n, 1); ++i)
    out.writers.push_back(spawn_persistence(sys, conninfo, metrics));
  // Called by senders, concurrently (under the pool's shared lock).
  auto next = std::make_shared<std::atomic<size_t>>(0);
  auto route = [next](caf::actor_system&, caf::actor_pool::uplock& guard,
                      const caf::actor_pool::actor_vec& writers, caf::mailbox_element_ptr& what,
                      caf::execution_unit* host) {
    size_t i = 0;
    if (writers.size() > 1 && what->content().match_element<insert_atom>(0))
      i = next->fetch_add(1, std::memory_order_relaxed) % writers.size();
    auto to = writers[i];
    guard.unlock();
    to->enqueue(std::move(what), host);
  };
  out.front = caf::actor_pool::make(sys.dummy_execution_unit(), route);
  for (auto& w : out.writers)
    caf::anon_send(out.front, caf::sys_atom::value, caf::put_atom::value, w);
  return out;
}

} // namespace kagent
