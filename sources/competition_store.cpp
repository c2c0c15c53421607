#include "sources/competition_store.hpp"

#include <map>
#include <memory>

#include <caf/all.hpp>

#include "core/competition_url.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "sources/user_messages.hpp"

namespace kagent::sources {

namespace {

// One fetch under way and the requests waiting on it.
struct pending_fetch {
  std::vector<caf::typed_response_promise<competition_files>> waiting;
  std::vector<caf::actor> listeners;
  int64_t done = 0;
  int64_t total = -1;
  std::shared_ptr<std::atomic<bool>> abort = std::make_shared<std::atomic<bool>>(false);
};

struct store_state {
  competition_store_options opts;
  std::map<std::string, pending_fetch> fetches;
  // A store that goes away (shutdown) stops its workers' transfers, so the
  // actor system is not kept waiting for a download to end.
  ~store_state() {
    for (auto& [slug, f] : fetches)
      f.abort->store(true);
  }
  static inline const char* name = "competition_store";
};

using store_ptr = competition_store_actor::stateful_pointer<store_state>;

competition_files files_of(const std::string& slug, const char* origin, const mirror_entry& e) {
  return {slug, origin, e.root, e.data_dir, e.description};
}

// Runs one blocking fetch in its own actor and answers with its result.
caf::behavior fetch_worker(caf::event_based_actor* self, competition_store_actor store,
                           fetch_function fetch, std::shared_ptr<std::atomic<bool>> abort,
                           std::chrono::milliseconds interval) {
  return {[=](fetch_atom, const std::string& slug) -> caf::result<competition_files> {
    auto next = std::chrono::steady_clock::now();
    progress_fn progress = [&](int64_t done, int64_t total) {
      auto now = std::chrono::steady_clock::now();
      if (now < next && (total < 0 || done < total))
        return;
      next = now + interval;
      self->send(store, fetch_progress_atom::value, slug, done, total);
    };
    auto r = fetch(slug, progress, *abort);
    self->quit();
    if (!r)
      return std::move(r.error());
    return files_of(slug, "kaggle", *r);
  }};
}

void finish_fetch(store_ptr self, const std::string& slug,
                  const caf::expected<competition_files>& r) {
  auto i = self->state.fetches.find(slug);
  if (i == self->state.fetches.end())
    return;
  auto waiting = std::move(i->second.waiting);
  self->state.fetches.erase(i);
  for (auto& rp : waiting)
    r ? rp.deliver(*r) : rp.deliver(r.error());
}

void start_fetch(store_ptr self, const std::string& slug) {
  auto& st = self->state;
  auto& f = st.fetches[slug];
  auto log = get_logger("sources");
  log->info("fetch started slug={} source=kaggle", slug);
  auto store = competition_store_actor{self};
  auto worker = st.opts.detached
                  ? self->system().spawn<caf::detached>(fetch_worker, store, st.opts.fetch, f.abort,
                                                        st.opts.progress_interval)
                  : self->system().spawn(fetch_worker, store, st.opts.fetch, f.abort,
                                         st.opts.progress_interval);
  // The worker always answers (its fetch is bounded in time); a crash is an error reply.
  self->request(worker, caf::infinite, fetch_atom::value, slug)
    .then(
      [=](competition_files& files) {
        log->info("fetch done slug={} dir={}", slug, files.data_dir);
        finish_fetch(self, slug, files);
      },
      [=](caf::error& err) {
        auto& st = self->state;
        auto text = kaggle_miss_text(slug, st.opts.mirrors, st.opts.cache_dir, detail_of(err));
        auto code = code_of(err) == errc::internal && err.category() != errc_category
                      ? errc::upstream_failed : code_of(err);
        log->error("fetch failed slug={} error=\"{}\"", slug, detail_of(err));
        finish_fetch(self, slug, make_error(code, text));
      });
}

competition_store_actor::behavior_type store_actor(store_ptr self, competition_store_options opts) {
  self->state.opts = std::move(opts);
  // Listeners are dynamically typed (job actors): they get anon_send.
  return {
    [=](fetch_atom, const std::string& slug,
        const caf::actor& listener) -> caf::result<competition_files> {
      auto& st = self->state;
      if (!is_valid_slug(slug))
        return make_error(errc::invalid_input, "not a competition slug: '" + slug.substr(0, 100) + "'");
      if (auto e = find_in_mirrors(st.opts.mirrors, slug))
        return files_of(slug, "mirror", *e);
      if (!st.opts.cache_dir.empty())
        if (auto e = find_in_mirror(st.opts.cache_dir, slug))
          return files_of(slug, "cache", *e);
      if (!st.opts.fetch)
        return make_error(errc::not_found, offline_miss_text(slug, st.opts.mirrors));
      bool fresh = st.fetches.count(slug) == 0;
      auto& f = st.fetches[slug];
      f.waiting.push_back(self->make_response_promise<competition_files>());
      if (listener) {
        f.listeners.push_back(listener);
        if (f.done > 0)  // a late joiner sees where the download is at once
          caf::anon_send(listener, fetch_progress_atom::value, slug, f.done, f.total);
      }
      if (fresh)
        start_fetch(self, slug);
      else
        get_logger("sources")->info("fetch joined slug={} waiting={}", slug, f.waiting.size());
      return caf::delegated<competition_files>{};
    },
    [=](fetch_progress_atom, const std::string& slug, int64_t done, int64_t total) {
      auto i = self->state.fetches.find(slug);
      if (i == self->state.fetches.end())
        return;
      i->second.done = done;
      i->second.total = total;
      for (auto& l : i->second.listeners)
        caf::anon_send(l, fetch_progress_atom::value, slug, done, total);
    },
  };
}

} // namespace

competition_store_actor spawn_competition_store(caf::actor_system& sys,
                                                competition_store_options opts) {
  return sys.spawn(store_actor, std::move(opts));
}

} // namespace kagent::sources
