#include "cluster/worker_node.hpp"

#include <deque>
#include <map>
#include <set>

#include <caf/all.hpp>

#include "cluster/file_cache.hpp"
#include "core/log.hpp"
#include "sandbox/job_dir.hpp"
#include "sources/download_cache.hpp"

namespace kagent::cluster {

namespace {

constexpr auto chunk_timeout = std::chrono::seconds(60);
/// Beyond the stage's own deadline, which its launcher enforces.
constexpr auto launcher_guard = std::chrono::seconds(60);

struct run {
  remote_stage rs;
  head_actor head;           ///< who sent it: files come from, lines go to it
  caf::typed_response_promise<stage_result> promise;
  std::string own_dir;       ///< job directory made for it ("" with a shared disk)
  int launcher = -1;         ///< slot running it; -1 while files come
  std::set<std::string> awaiting;  ///< hashes still being fetched
  bool cancelled = false;
};

struct worker_state {
  worker_options opts;
  std::vector<caf::actor> launchers;
  std::vector<int> free;                        ///< launcher indexes
  std::map<uint64_t, run> runs;                 ///< by attempt id
  std::deque<uint64_t> ready;                   ///< files in place, waiting for a slot
  std::map<caf::actor_addr, uint64_t> running;  ///< launcher -> attempt
  std::map<std::string, std::vector<uint64_t>> fetching;  ///< hash -> attempts waiting
  head_actor head;
  std::string head_name;
  int64_t heartbeat_ms = 0;
  uint64_t link_epoch = 0;                      ///< stops heartbeats of an old link
  std::unique_ptr<file_cache> cache;
  int64_t stages_run = 0;
  std::shared_ptr<spdlog::logger> log = get_logger("cluster");
  static inline const char* name = "worker_node";
};

using worker_ptr = worker_node_actor::stateful_pointer<worker_state>;

void start_ready(worker_ptr self);

void end_run(worker_ptr self, uint64_t id, stage_result res) {
  auto& st = self->state;
  auto r = st.runs.find(id);
  if (r == st.runs.end())
    return;
  res.node = st.opts.name;
  if (!r->second.own_dir.empty())
    if (auto err = sources::remove_tree(r->second.own_dir))
      st.log->warn("job directory not removed dir={} error={}", r->second.own_dir,
                   self->system().render(err));
  r->second.promise.deliver(std::move(res));
  st.runs.erase(r);
}

void fail_run(worker_ptr self, uint64_t id, const std::string& why) {
  stage_result res;
  res.error = why;
  self->state.log->warn("attempt not started attempt={} error={}", id, why);
  end_run(self, id, std::move(res));
}

/// Writes the attempt's inputs into its job directory, never through a
/// link a stage left there.
std::string write_inputs(worker_ptr self, run& r) {
  auto dir = sandbox::open_directory(r.rs.req.job_dir);
  if (!dir)
    return "job directory: " + dir.error();
  for (auto& [name, content] : r.rs.req.inputs) {
    if (!sandbox::is_plain_name(name))
      return "input with an unsafe name: " + name.substr(0, 200);
    if (auto ok = sandbox::write_file(dir->get(), name, content, self->state.opts.launcher.host.user);
        !ok)
      return "input " + name + ": " + ok.error();
  }
  r.rs.req.inputs.clear();
  return {};
}

/// A remote attempt's own job directory and the cached competition view.
std::string lay_out(worker_ptr self, run& r) {
  auto& st = self->state;
  auto& req = r.rs.req;
  if (!sandbox::is_plain_name(req.job_id))
    return "job id is not a plain name";
  auto view = st.cache->view(r.rs.competition);
  if (!view)
    return "competition files: " + view.error();
  auto jobs = st.opts.data_dir + "/jobs";
  auto name = req.job_id + "." + std::to_string(r.rs.attempt_id);
  if (auto made = sandbox::make_job_dir(jobs, name, st.opts.launcher.host.user); !made)
    return "job directory: " + made.error();
  r.own_dir = jobs + "/" + name;
  req.job_dir = r.own_dir;
  req.competition_dir = *view + "/data";
  req.description.clear();
  for (auto& f : r.rs.competition.files)
    if (f.path == "description.md")
      req.description = *view + "/description.md";
  return {};
}

void files_ready(worker_ptr self, uint64_t id) {
  auto& st = self->state;
  auto r = st.runs.find(id);
  if (r == st.runs.end() || !r->second.awaiting.empty())
    return;
  if (r->second.cancelled) {
    stage_result res;
    res.cancelled = true;
    res.error = "cancelled";
    return end_run(self, id, std::move(res));
  }
  if (!r->second.rs.shared_disk)
    if (auto why = lay_out(self, r->second); !why.empty())
      return fail_run(self, id, why);
  if (auto why = write_inputs(self, r->second); !why.empty())
    return fail_run(self, id, why);
  st.ready.push_back(id);
  start_ready(self);
}

void fetch_done(worker_ptr self, const std::string& sha, const std::string& error) {
  auto& st = self->state;
  auto waiters = std::move(st.fetching[sha]);
  st.fetching.erase(sha);
  for (auto id : waiters) {
    auto r = st.runs.find(id);
    if (r == st.runs.end())
      continue;
    if (!error.empty()) {
      fail_run(self, id, error);
      continue;
    }
    r->second.awaiting.erase(sha);
    files_ready(self, id);
  }
}

/// Pulls one file from the head, a chunk at a time: at most one chunk of
/// it is in memory here.
void fetch_from(worker_ptr self, head_actor head, file_entry f, int64_t offset) {
  self->request(head, chunk_timeout, chunk_atom::value, f.sha256, offset)
    .then(
      [=](file_chunk& c) {
        if (c.offset != offset)
          return fetch_done(self, f.sha256, "chunk of " + f.path + " out of order");
        auto done = self->state.cache->receive(f, c);
        if (!done)
          return fetch_done(self, f.sha256, done.error());
        if (*done) {
          self->state.log->info("file cached path={} bytes={} sha256={}", f.path, f.size,
                                f.sha256.substr(0, 12));
          return fetch_done(self, f.sha256, "");
        }
        fetch_from(self, head, f, offset + static_cast<int64_t>(c.data.size()));
      },
      [=](caf::error& err) {
        fetch_done(self, f.sha256, "fetching " + f.path + ": " + self->system().render(err));
      });
}

void start_ready(worker_ptr self) {
  auto& st = self->state;
  while (!st.ready.empty() && !st.free.empty()) {
    auto id = st.ready.front();
    st.ready.pop_front();
    auto r = st.runs.find(id);
    if (r == st.runs.end())
      continue;
    if (r->second.cancelled) {
      stage_result res;
      res.cancelled = true;
      res.error = "cancelled";
      end_run(self, id, std::move(res));
      continue;
    }
    auto slot = st.free.back();
    st.free.pop_back();
    r->second.launcher = slot;
    auto& launcher = st.launchers[static_cast<size_t>(slot)];
    st.running[launcher.address()] = id;
    auto guard = std::chrono::milliseconds(r->second.rs.req.timeout_ms) + launcher_guard;
    auto req = r->second.rs.req;
    auto sink = r->second.rs.sink;
    auto sent = sink ? self->request(launcher, guard, run_atom::value, std::move(req), sink)
                     : self->request(launcher, guard, run_atom::value, std::move(req),
                                     caf::actor_cast<caf::actor>(self));
    std::move(sent)
      .then(
        [=](stage_result& res) {
          auto& st = self->state;
          st.running.erase(st.launchers[static_cast<size_t>(slot)].address());
          st.free.push_back(slot);
          ++st.stages_run;
          end_run(self, id, std::move(res));
          start_ready(self);
        },
        [=](caf::error& err) {
          auto& st = self->state;
          st.running.erase(st.launchers[static_cast<size_t>(slot)].address());
          st.free.push_back(slot);
          stage_result res;
          res.error = "launcher: " + self->system().render(err);
          end_run(self, id, std::move(res));
          start_ready(self);
        });
  }
}

void cancel_run(worker_ptr self, uint64_t id) {
  auto& st = self->state;
  auto r = st.runs.find(id);
  if (r == st.runs.end() || r->second.cancelled)
    return;
  r->second.cancelled = true;
  st.log->info("cancelling attempt={} job_id={} stage={}", id, r->second.rs.req.job_id,
               r->second.rs.req.stage);
  if (r->second.launcher >= 0)
    caf::anon_send(st.launchers[static_cast<size_t>(r->second.launcher)], cancel_atom::value,
                   r->second.rs.req.job_id);
  else if (r->second.awaiting.empty()) {
    // Still waiting for a slot: start_ready ends it.
  } else {
    stage_result res;
    res.cancelled = true;
    res.error = "cancelled";
    end_run(self, id, std::move(res));
  }
}

void heartbeat(worker_ptr self, uint64_t epoch) {
  auto& st = self->state;
  if (!st.head || epoch != st.link_epoch)
    return;
  self->send(st.head, heartbeat_atom::value, st.opts.name,
             static_cast<int32_t>(st.running.size()));
  self->delayed_send(self, std::chrono::milliseconds(st.heartbeat_ms), heartbeat_atom::value,
                     epoch);
}

} // namespace

node_hello hello_of(const worker_options& opts) {
  node_hello h;
  h.name = opts.name;
  h.slots = opts.slots;
  h.sandbox = opts.launcher.sandbox.mode;
  h.version = opts.version;
  h.address = opts.address;
  return h;
}

namespace {

worker_node_actor::behavior_type worker_node(worker_ptr self, worker_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.cache = std::make_unique<file_cache>(st.opts.data_dir + "/cache/cluster");
  if (auto ok = st.cache->open(); !ok)
    st.log->error("file cache unusable error={}", ok.error());
  for (int i = 0; i < st.opts.slots; ++i) {
    st.launchers.push_back(spawn_launcher(self->system(), st.opts.launcher));
    st.free.push_back(st.opts.slots - 1 - i);
  }
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& l : self->state.launchers)
      self->send_exit(l, msg.reason);
    self->quit(msg.reason);
  });
  return {
    [=](run_atom, remote_stage& rs) -> caf::result<stage_result> {
      auto& st = self->state;
      auto id = rs.attempt_id;
      auto rp = self->make_response_promise<stage_result>();
      if (st.runs.count(id)) {
        stage_result res;
        res.error = "attempt " + std::to_string(id) + " is already running here";
        rp.deliver(std::move(res));
        return rp;
      }
      // Named in the attempt: the head places work on a node as soon as it
      // has joined, maybe before the join's answer reached us (and a remote
      // request's sender is not kept).
      auto head = rs.head;
      auto& r = st.runs[id];
      r.rs = std::move(rs);
      r.promise = rp;
      r.head = head;
      std::vector<file_entry> to_fetch;
      if (!r.rs.shared_disk) {
        if (auto why = check_manifest(r.rs.competition); !why.empty()) {
          fail_run(self, id, why);
          return rp;
        }
        for (auto& f : st.cache->missing(r.rs.competition)) {
          r.awaiting.insert(f.sha256);
          auto& waiters = st.fetching[f.sha256];
          waiters.push_back(id);
          if (waiters.size() == 1)
            to_fetch.push_back(f);
        }
      }
      files_ready(self, id);
      // After the bookkeeping: a fetch that fails at once ends the run.
      for (auto& f : to_fetch)
        fetch_from(self, head, f, 0);
      return rp;
    },
    [=](cancel_atom, uint64_t id) {
      cancel_run(self, id);
      return caf::ok_atom::value;
    },
    [=](stage_event_atom, job_event& ev) {
      auto& st = self->state;
      auto i = st.running.find(caf::actor_cast<caf::actor_addr>(self->current_sender()));
      if (i == st.running.end())
        return;
      auto r = st.runs.find(i->second);
      if (r != st.runs.end() && r->second.head)
        self->send(r->second.head, stage_event_atom::value, i->second, std::move(ev));
    },
    [=](connected_atom, head_actor& head, const std::string& name, int64_t heartbeat_ms) {
      auto& st = self->state;
      st.head = std::move(head);
      st.head_name = name;
      st.heartbeat_ms = std::max<int64_t>(heartbeat_ms, 100);
      heartbeat(self, ++st.link_epoch);
    },
    [=](disconnected_atom) {
      auto& st = self->state;
      st.head = head_actor{};
      ++st.link_epoch;
      std::vector<uint64_t> ids;
      for (auto& [id, _] : st.runs)
        ids.push_back(id);
      if (!ids.empty())
        st.log->warn("head lost; killing its stages count={}", ids.size());
      for (auto id : ids)
        cancel_run(self, id);
    },
    [=](heartbeat_atom, uint64_t epoch) { heartbeat(self, epoch); },
    [=](stats_atom) {
      auto& st = self->state;
      worker_status s;
      s.connected = static_cast<bool>(st.head);
      s.head = st.head_name;
      s.slots = st.opts.slots;
      s.busy = static_cast<int32_t>(st.running.size());
      s.cached_bytes = st.cache->stored_bytes();
      s.stages_run = st.stages_run;
      return s;
    },
  };
}

} // namespace

worker_node_actor spawn_worker_node(caf::actor_system& sys, worker_options opts) {
  return sys.spawn(worker_node, std::move(opts));
}

} // namespace kagent::cluster
