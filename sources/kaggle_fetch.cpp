#include "sources/kaggle_fetch.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "core/log.hpp"
#include "sources/download_cache.hpp"
#include "sources/unpack.hpp"

namespace kagent::sources {

namespace {

caf::error write_text(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    return make_error(errc::internal, "cannot create " + path + ": " + std::strerror(errno));
  auto n = write(fd, text.data(), text.size());
  fchmod(fd, 0644);
  close(fd);
  if (n != static_cast<ssize_t>(text.size()))
    return make_error(errc::internal, "cannot write " + path);
  return {};
}

} // namespace

caf::expected<mirror_entry> fetch_from_kaggle(const kaggle_fetch_settings& s,
                                              const std::string& slug, const progress_fn& progress,
                                              const std::atomic<bool>& abort) {
  auto log = get_logger("sources");
  auto deadline = std::chrono::steady_clock::now() + s.timeout;
  auto& ep = s.endpoint;
  auto info = find_competition(ep, slug, abort);
  if (!info)
    return info.error();
  auto files = list_data_files(ep, slug, abort);
  if (!files)
    return files.error();
  int64_t listed = 0;
  for (auto& f : *files)
    listed += f.total_bytes > 0 ? f.total_bytes : 0;
  if (listed > s.unpack.max_unpacked_bytes)
    return make_error(errc::invalid_input,
                      "the data of '" + slug + "' is " + std::to_string(listed)
                        + " bytes as Kaggle lists it, above the limit of "
                        + std::to_string(s.unpack.max_unpacked_bytes) + " bytes (--max-unpacked-bytes)");
  log->info("kaggle fetch started slug={} files={} listed_bytes={}", slug, files->size(), listed);
  auto paths = cache_paths_for(s.cache_dir, slug, "fetch");
  if (auto err = prepare_fetch(s.cache_dir, paths))
    return err;
  struct cleanup {
    const cache_paths& p;
    ~cleanup() {
      unlink(p.partial.c_str());
      remove_tree(p.staging);
    }
  } on_exit{paths};
  download_request dl;
  dl.url = download_all_url(ep, slug);
  dl.auth = api_auth(ep);
  dl.path = paths.partial;
  dl.max_bytes = s.max_download_bytes;
  dl.deadline = deadline;
  dl.retry = ep.retry;
  dl.slug = slug;
  // Until storage announces the archive's size, the listed total stands in.
  auto on_progress = [&](int64_t done, int64_t total) {
    if (progress)
      progress(done, total > 0 ? total : listed);
  };
  auto stats = download_file(dl, on_progress, abort);
  if (!stats)
    return stats.error();
  log->info("kaggle download done slug={} bytes={} attempts={} resumes={}", slug, stats->bytes,
            stats->attempts, stats->resumes);
  auto pub = paths.staging + "/public";
  if (mkdir(pub.c_str(), 0755) != 0)
    return make_error(errc::internal, "cannot create " + pub + ": " + std::strerror(errno));
  auto unpacked = unpack_zip(paths.partial, pub, s.unpack, abort);
  if (!unpacked)
    return unpacked.error();
  if (std::chrono::steady_clock::now() > deadline)
    return make_error(errc::deadline_exceeded,
                      "fetching '" + slug + "' did not finish within --download-timeout");
  competition_info fallback;
  fallback.slug = slug;
  auto text = render_description_md(*info ? **info : fallback);
  if (auto err = write_text(paths.staging + "/description.md", text))
    return err;
  if (auto err = publish_entry(paths))
    return err;
  log->info("kaggle fetch cached slug={} files={} bytes={}", slug, unpacked->files,
            unpacked->bytes);
  auto entry = find_in_mirror(s.cache_dir, slug);
  if (!entry)
    return make_error(errc::internal, "the cache entry of '" + slug + "' vanished");
  return *entry;
}

} // namespace kagent::sources
