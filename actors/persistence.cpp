#include "actors/persistence.hpp"

#include <functional>
#include <optional>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "persistence/job_repository.hpp"
#include "persistence/pg_connection.hpp"

namespace kagent {

namespace {

// Bounds one transaction; a longer queue is flushed in several.
constexpr size_t max_batch = 512;

struct pending_write {
  std::function<caf::error(pg::connection&)> apply;
  caf::response_promise promise;
  const char* what;
};

struct persistence_state {
  std::string conninfo;
  std::optional<pg::connection> conn;
  std::vector<pending_write> batch;
  static inline const char* name = "persistence";
};

using persistence_ptr = caf::stateful_actor<persistence_state>*;

caf::error connect(persistence_ptr self) {
  return pg::reopen(self->state.conn, self->state.conninfo);
}

// One transaction over `writes`. A write that aborts the transaction by itself
// is recorded in `failed` and the transaction replayed without it; the
// returned error is for the whole batch (connection lost, COMMIT failed).
caf::error run_batch(pg::connection& conn, std::vector<pending_write>& writes,
                     std::vector<caf::error>& results) {
  std::vector<bool> failed(writes.size(), false);
  for (;;) {
    if (auto err = conn.exec_script("BEGIN"))
      return err;
    bool replay = false;
    for (size_t i = 0; i < writes.size() && !replay; ++i) {
      if (failed[i])
        continue;
      results[i] = writes[i].apply(conn);
      if (!results[i] || !conn.in_failed_transaction())
        continue;  // ok, or refused without SQL error (e.g. update of no row)
      if (code_of(results[i]) == errc::db_unavailable || !conn.ok())
        return results[i];
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

void flush(persistence_ptr self) {
  auto& st = self->state;
  if (st.batch.empty())
    return;
  auto log = get_logger("persistence");
  auto n = std::min(st.batch.size(), max_batch);
  std::vector<pending_write> writes(std::make_move_iterator(st.batch.begin()),
                                    std::make_move_iterator(st.batch.begin() + n));
  st.batch.erase(st.batch.begin(), st.batch.begin() + n);
  if (!st.batch.empty())
    self->send(self, flush_atom::value);
  std::vector<caf::error> results(writes.size());
  caf::error batch_err;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!st.conn || !st.conn->ok())
      batch_err = connect(self);
    if (!batch_err)
      batch_err = run_batch(*st.conn, writes, results);
    if (!batch_err || code_of(batch_err) != errc::db_unavailable)
      break;
    if (attempt == 0)
      log->warn("write batch failed; reconnecting writes={} error={}", writes.size(),
                detail_of(batch_err));
    st.conn.reset();
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
}

caf::response_promise enqueue(persistence_ptr self, const char* what,
                              std::function<caf::error(pg::connection&)> apply) {
  auto& st = self->state;
  auto promise = self->make_response_promise();
  // Only the first write of a batch schedules the flush, which then runs
  // after every message already in the mailbox has joined the batch.
  if (st.batch.empty())
    self->send(self, flush_atom::value);
  st.batch.push_back(pending_write{std::move(apply), promise, what});
  return promise;
}

caf::behavior persistence(persistence_ptr self, std::string conninfo) {
  self->state.conninfo = std::move(conninfo);
  self->set_exit_handler([=](caf::exit_msg& msg) {
    while (!self->state.batch.empty())
      flush(self);
    self->quit(msg.reason);
  });
  return {
    [=](insert_atom, job_record& job) {
      return enqueue(self, "insert", [job = std::move(job)](pg::connection& c) {
        return pg::insert_job(c, job);
      });
    },
    [=](update_atom, job_record& job) {
      return enqueue(self, "update", [job = std::move(job)](pg::connection& c) {
        return pg::update_job(c, job);
      });
    },
    [=](checkpoint_atom, std::string& job_id, std::string& stage, stage_outputs& outputs,
        int64_t duration_ms) {
      return enqueue(self, "checkpoint",
                     [job_id = std::move(job_id), stage = std::move(stage),
                      outputs = std::move(outputs), duration_ms](pg::connection& c) {
                       return pg::save_checkpoint(c, job_id, stage, outputs, duration_ms);
                     });
    },
    [=](events_atom, std::vector<job_event>& events) {
      return enqueue(self, "events", [events = std::move(events)](pg::connection& c) {
        return pg::append_events(c, events);
      });
    },
    [=](artifact_atom, std::string& job_id, std::string& name, std::string& bytes) {
      return enqueue(self, "artifact",
                     [job_id = std::move(job_id), name = std::move(name),
                      bytes = std::move(bytes)](pg::connection& c) {
                       return pg::save_artifact(c, job_id, name, bytes);
                     });
    },
    [=](flush_atom) { flush(self); },
  };
}

} // namespace

caf::actor spawn_persistence(caf::actor_system& sys, std::string conninfo) {
  return sys.spawn<caf::detached>(persistence, std::move(conninfo));
}

} // namespace kagent
