#include "cluster/manifest.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "core/sha256.hpp"

namespace fs = std::filesystem;

namespace kagent::cluster {

namespace {

failure io_error(const std::string& what) {
  return failure{what + ": " + std::strerror(errno)};
}

int64_t mtime_ns(const struct stat& st) {
  return int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
}

} // namespace

std::string manifest_key(const std::vector<file_entry>& files) {
  auto sorted = files;
  std::sort(sorted.begin(), sorted.end(),
            [](const file_entry& a, const file_entry& b) { return a.path < b.path; });
  std::string text;
  for (auto& f : sorted)
    text += f.path + '\0' + std::to_string(f.size) + '\0' + f.sha256 + '\n';
  return sha256_hex(text);
}

result<manifest_builder::hashed> manifest_builder::hash_of(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0)
    return io_error("cannot stat " + path);
  auto i = by_path_.find(path);
  if (i != by_path_.end() && i->second.size == st.st_size && i->second.mtime_ns == mtime_ns(st))
    return i->second;
  auto sha = sha256_file(path);
  if (!sha)
    return io_error("cannot read " + path);
  hashed h{st.st_size, mtime_ns(st), *sha};
  by_path_[path] = h;
  path_of_[h.sha256] = path;
  return h;
}

result<competition_manifest> manifest_builder::build(const std::string& data_dir,
                                                     const std::string& description) {
  competition_manifest m;
  std::error_code ec;
  auto root = fs::canonical(data_dir, ec);
  if (ec)
    return failure{"competition files not found: " + data_dir};
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec))
      continue;
    auto path = it->path().string();
    auto h = hash_of(path);
    if (!h)
      return failure{h.error()};
    m.files.push_back({"data/" + it->path().lexically_relative(root).string(), h->size,
                       h->sha256});
  }
  if (ec)
    return failure{"cannot list " + data_dir + ": " + ec.message()};
  if (!description.empty()) {
    auto h = hash_of(description);
    if (!h)
      return failure{h.error()};
    m.files.push_back({"description.md", h->size, h->sha256});
  }
  m.key = manifest_key(m.files);
  return m;
}

result<file_chunk> manifest_builder::read_chunk(const std::string& sha, int64_t offset) const {
  auto p = path_of_.find(sha);
  if (p == path_of_.end())
    return failure{"no competition file with hash " + sha};
  auto& known = by_path_.at(p->second);
  // The path was hashed again since (another build saw it change): its
  // bytes are no longer the ones this hash names.
  if (known.sha256 != sha)
    return failure{p->second + " changed since it was listed; retry the stage"};
  int fd = ::open(p->second.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return io_error("cannot open " + p->second);
  struct stat st{};
  if (::fstat(fd, &st) != 0 || st.st_size != known.size || mtime_ns(st) != known.mtime_ns) {
    ::close(fd);
    return failure{p->second + " changed while it was sent; retry the stage"};
  }
  file_chunk c;
  c.total = known.size;
  c.offset = std::clamp<int64_t>(offset, 0, known.size);
  c.data.resize(static_cast<size_t>(std::min(chunk_bytes, known.size - c.offset)));
  auto n = ::pread(fd, c.data.data(), c.data.size(), c.offset);
  ::close(fd);
  if (n < 0 || static_cast<size_t>(n) != c.data.size())
    return io_error("cannot read " + p->second);
  return c;
}

} // namespace kagent::cluster
