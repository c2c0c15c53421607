#include "sources/unpack.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "core/error.hpp"

namespace kagent::sources {

namespace {

using archive_ptr = std::unique_ptr<archive, int (*)(archive*)>;

struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0)
      close(fd);
  }
};

caf::error refuse(const std::string& name, const std::string& why) {
  return make_error(errc::invalid_input, "the downloaded archive is refused: entry '"
                                           + name.substr(0, 200) + "' " + why);
}

std::string error_text(archive* a) {
  auto* s = archive_error_string(a);
  return s ? s : "unknown error";
}

caf::error io_error(const std::string& what) {
  return make_error(errc::internal, what + ": " + std::strerror(errno));
}

// Opens (creating when missing) each directory of `parts` below `root_fd`,
// never through a symlink; returns the innermost one's descriptor.
caf::expected<int> open_dirs(int root_fd, const std::vector<std::string>& parts, size_t count,
                             unpack_stats& stats) {
  int cur = dup(root_fd);
  if (cur < 0)
    return io_error("dup");
  for (size_t i = 0; i < count; ++i) {
    if (mkdirat(cur, parts[i].c_str(), 0755) == 0) {
      ++stats.directories;
      fchmodat(cur, parts[i].c_str(), 0755, 0);  // whatever the umask: stages must read it
    } else if (errno != EEXIST) {
      close(cur);
      return io_error("cannot create directory " + parts[i]);
    }
    int next = openat(cur, parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(cur);
    if (next < 0)
      return io_error("cannot open directory " + parts[i]);
    cur = next;
  }
  return cur;
}

} // namespace

caf::expected<unpack_stats> unpack_zip(const std::string& archive_path, const std::string& dest,
                                       const unpack_limits& limits, const std::atomic<bool>& abort) {
  unpack_stats stats;
  struct stat ast;
  if (stat(archive_path.c_str(), &ast) != 0)
    return io_error("cannot stat " + archive_path);
  fd_guard root{open(dest.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
  if (root.fd < 0)
    return io_error("cannot open " + dest);
  archive_ptr a{archive_read_new(), archive_read_free};
  archive_read_support_format_zip(a.get());
  if (archive_read_open_filename(a.get(), archive_path.c_str(), 1 << 16) != ARCHIVE_OK)
    return make_error(errc::upstream_failed, "the download is not a zip archive: "
                                               + error_text(a.get()));
  std::vector<char> buf(1 << 16);
  archive_entry* e = nullptr;
  int64_t entries = 0;
  int rc;
  while ((rc = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    if (abort.load())
      return make_error(errc::cancelled, "unpacking stopped");
    auto* raw = archive_entry_pathname(e);
    std::string name = raw ? raw : "";
    if (++entries > limits.max_entries)
      return refuse(name, "is one entry too many (more than "
                            + std::to_string(limits.max_entries) + ")");
    if (auto why = unsafe_entry_reason(name); !why.empty())
      return refuse(name, why);
    auto type = archive_entry_filetype(e);
    if (archive_entry_hardlink(e) != nullptr || type == AE_IFLNK)
      return refuse(name, "is a link");
    if (type != AE_IFREG && type != AE_IFDIR)
      return refuse(name, "is neither a file nor a directory");
    auto parts = entry_components(name);
    bool is_dir = type == AE_IFDIR;
    auto dir = open_dirs(root.fd, parts, is_dir ? parts.size() : parts.size() - 1, stats);
    if (!dir)
      return dir.error();
    fd_guard parent{*dir};
    if (is_dir)
      continue;
    // O_EXCL: a second entry of the same name (or one over a directory) is refused.
    fd_guard out{openat(parent.fd, parts.back().c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)};
    if (out.fd < 0) {
      if (errno == EEXIST)
        return refuse(name, "appears twice");
      return io_error("cannot create " + parts.back());
    }
    fchmod(out.fd, 0644);
    ++stats.files;
    la_ssize_t n;
    while ((n = archive_read_data(a.get(), buf.data(), buf.size())) > 0) {
      stats.bytes += n;
      if (auto why = over_budget_reason(limits, ast.st_size, stats.bytes); !why.empty())
        return refuse(name, "makes the archive exceed its limits: it " + why);
      for (la_ssize_t off = 0; off < n;) {
        auto w = write(out.fd, buf.data() + off, static_cast<size_t>(n - off));
        if (w < 0 && errno == EINTR)
          continue;
        if (w <= 0)
          return io_error("cannot write " + parts.back());
        off += w;
      }
      if (abort.load())
        return make_error(errc::cancelled, "unpacking stopped");
    }
    if (n < 0)
      return make_error(errc::upstream_failed, "the downloaded archive is damaged at '" + name
                                                 + "': " + error_text(a.get()));
  }
  if (rc != ARCHIVE_EOF)
    return make_error(errc::upstream_failed, "the downloaded archive is damaged: " + error_text(a.get()));
  return stats;
}

} // namespace kagent::sources
