// The competition store (docs/ARCHITECTURE.md: the actors, competition sources): one per head node. Answers where a
// competition's public files are: the first local mirror holding the slug,
// else the download cache, else (with Kaggle credentials) a fresh download
// from the Kaggle API into the cache. A slug is fetched at most once at a
// time: jobs asking while it downloads wait on the same fetch and see its
// progress. Blocking work runs only in a detached worker per fetch.
//
//   (fetch_atom, slug, listener)  -> competition_files | error naming every
//                                    source tried; a non-null listener gets
//                                    (fetch_progress_atom, slug, done, total)
//                                    while a download runs
//   (fetch_progress_atom, slug, done, total)  from the store's own workers
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "config/options.hpp"
#include "sources/download.hpp"
#include "sources/kaggle_credentials.hpp"
#include "sources/mirror.hpp"

namespace kagent::sources {

using fetch_atom = caf::atom_constant<caf::atom("fetch")>;
using fetch_progress_atom = caf::atom_constant<caf::atom("fetch_prog")>;

/// A competition's readable files and where they were found.
struct competition_files {
  std::string slug;
  std::string origin;       ///< "mirror", "cache", or "kaggle" (downloaded now)
  std::string root;         ///< the entry folder
  std::string data_dir;     ///< the public files
  std::string description;  ///< description.md, empty when absent
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, competition_files& x) {
  return f(caf::meta::type_name("competition_files"), x.slug, x.origin, x.root, x.data_dir,
           x.description);
}

/// Handle of the competition store.
using competition_store_actor = caf::typed_actor<
  caf::replies_to<fetch_atom, std::string, caf::actor>::with<competition_files>,
  caf::reacts_to<fetch_progress_atom, std::string, int64_t, int64_t>>;

/// Fetches one slug from a remote source into the cache, blocking.
using fetch_function = std::function<caf::expected<mirror_entry>(
  const std::string& slug, const progress_fn& progress, const std::atomic<bool>& abort)>;

/// What the store works with.
struct competition_store_options {
  std::vector<std::string> mirrors;  ///< searched in order
  std::string cache_dir;             ///< searched after the mirrors; empty: none
  fetch_function fetch;              ///< empty: no remote source (no credentials)
  bool detached = true;              ///< workers in their own threads (tests: false)
  std::chrono::milliseconds progress_interval{1000};  ///< between progress messages
};

/// Spawns a store.
competition_store_actor spawn_competition_store(caf::actor_system& sys,
                                                competition_store_options opts);

/// Spawns the server's store: `cfg`'s mirrors and cache, and the Kaggle
/// API as the remote source when `kaggle` holds credentials.
competition_store_actor spawn_competition_store(caf::actor_system& sys,
                                                const sources_options& cfg,
                                                const std::optional<kaggle_credentials>& kaggle);

} // namespace kagent::sources
