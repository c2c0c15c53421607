// spawn_competition_store(sys, sources_options, credentials) and
// endpoint_for: the one place where the server's configuration becomes the
// Kaggle client's settings.
#include "core/log.hpp"
#include "sources/competition_store.hpp"
#include "sources/kaggle_fetch.hpp"

namespace kagent::sources {

kaggle_endpoint endpoint_for(const sources_options& cfg, const kaggle_credentials& credentials) {
  kaggle_endpoint ep;
  ep.api_url = cfg.kaggle_api_url;
  ep.credentials = credentials;
  ep.retry.retries = cfg.retries;
  return ep;
}

competition_store_actor spawn_competition_store(caf::actor_system& sys,
                                                const sources_options& cfg,
                                                const std::optional<kaggle_credentials>& kaggle) {
  competition_store_options opts;
  opts.mirrors = cfg.mirrors;
  opts.cache_dir = cfg.cache_dir;
  if (kaggle) {
    kaggle_fetch_settings s;
    s.endpoint = endpoint_for(cfg, *kaggle);
    s.cache_dir = cfg.cache_dir;
    s.max_download_bytes = cfg.max_download_bytes;
    s.unpack.max_unpacked_bytes = cfg.max_unpacked_bytes;
    s.unpack.max_ratio = cfg.max_unpack_ratio;
    s.timeout = std::chrono::seconds(cfg.download_timeout_s);
    opts.fetch = [s](const std::string& slug, const progress_fn& progress,
                     const std::atomic<bool>& abort) {
      return fetch_from_kaggle(s, slug, progress, abort);
    };
  }
  return spawn_competition_store(sys, std::move(opts));
}

} // namespace kagent::sources
