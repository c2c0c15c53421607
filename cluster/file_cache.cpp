#include "cluster/file_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "core/sha256.hpp"
#include "sandbox/job_dir.hpp"

namespace fs = std::filesystem;

namespace kagent::cluster {

namespace {

failure io_error(const std::string& what) {
  return failure{what + ": " + std::strerror(errno)};
}

int64_t size_of(const std::string& path) {
  struct stat st{};
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : -1;
}

bool make_dirs(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec)
    return false;
  ::chmod(path.c_str(), 0755);  // stages run as another user and must traverse it
  return true;
}

} // namespace

bool is_sha256_hex(const std::string& s) {
  if (s.size() != 64)
    return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

bool is_safe_relative_path(const std::string& path) {
  if (path.empty() || path.size() > 4096 || path.front() == '/')
    return false;
  size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos)
      end = path.size();
    if (!sandbox::is_plain_name(path.substr(start, end - start)))
      return false;
    start = end + 1;
  }
  return true;
}

std::string check_manifest(const competition_manifest& m) {
  if (!is_sha256_hex(m.key))
    return "manifest key is not a SHA-256";
  for (auto& f : m.files) {
    if (!is_safe_relative_path(f.path))
      return "manifest names an unsafe path: " + f.path.substr(0, 200);
    if (!is_sha256_hex(f.sha256) || f.size < 0)
      return "manifest entry " + f.path + " has no valid hash or size";
  }
  return {};
}

file_cache::file_cache(std::string root) : root_(std::move(root)) {}

result<ok_t> file_cache::open() {
  for (auto sub : {"/blobs", "/partial", "/views"})
    if (!make_dirs(root_ + sub))
      return io_error("cannot create " + root_ + sub);
  return ok_t{};
}

std::vector<file_entry> file_cache::missing(const competition_manifest& m) const {
  std::vector<file_entry> out;
  for (auto& f : m.files)
    if (size_of(root_ + "/blobs/" + f.sha256) != f.size)
      out.push_back(f);
  return out;
}

result<bool> file_cache::receive(const file_entry& f, const file_chunk& c) {
  auto partial = root_ + "/partial/" + f.sha256;
  if (c.total != f.size || c.offset < 0 || c.offset + static_cast<int64_t>(c.data.size()) > f.size)
    return failure{"chunk of " + f.path + " does not fit its manifest entry"};
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (c.offset == 0 ? O_TRUNC : 0);
  int fd = ::open(partial.c_str(), flags, 0644);
  if (fd < 0)
    return io_error("cannot write " + partial);
  struct stat st{};
  if (::fstat(fd, &st) != 0 || st.st_size != c.offset) {
    ::close(fd);
    return failure{"chunk of " + f.path + " out of order"};
  }
  auto n = ::pwrite(fd, c.data.data(), c.data.size(), c.offset);
  ::close(fd);
  if (n < 0 || static_cast<size_t>(n) != c.data.size())
    return io_error("cannot write " + partial);
  if (c.offset + static_cast<int64_t>(c.data.size()) < f.size)
    return false;
  auto sha = sha256_file(partial);
  if (!sha || *sha != f.sha256) {
    ::unlink(partial.c_str());
    return failure{f.path + " arrived with another hash than the head announced"};
  }
  if (::rename(partial.c_str(), (root_ + "/blobs/" + f.sha256).c_str()) != 0)
    return io_error("cannot store " + f.path);
  return true;
}

result<std::string> file_cache::view(const competition_manifest& m) {
  if (auto why = check_manifest(m); !why.empty())
    return failure{why};
  auto dir = root_ + "/views/" + m.key;
  if (size_of(dir + "/.complete") == 0)
    return dir;
  // Built aside and renamed into place: a half-made view is never used.
  auto staging = root_ + "/views/.staging-" + m.key + "-" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove_all(staging, ec);
  // data/ exists even for a competition without public files: the stage
  // mounts it.
  if (!make_dirs(staging + "/data"))
    return io_error("cannot create " + staging);
  for (auto& f : m.files) {
    auto target = staging + "/" + f.path;
    if (!make_dirs(fs::path(target).parent_path().string()))
      return io_error("cannot lay out " + target);
    if (::link((root_ + "/blobs/" + f.sha256).c_str(), target.c_str()) != 0)
      return io_error("cannot link " + f.path);
  }
  if (!make_dirs(staging))
    return io_error("cannot create " + staging);
  int fd = ::open((staging + "/.complete").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return io_error("cannot finish " + staging);
  ::close(fd);
  fs::remove_all(dir, ec);
  if (::rename(staging.c_str(), dir.c_str()) != 0)
    return io_error("cannot place " + dir);
  return dir;
}

int64_t file_cache::stored_bytes() const {
  int64_t n = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator(root_ + "/blobs", ec); !ec && it != fs::end(it);
       it.increment(ec))
    if (it->is_regular_file(ec))
      n += static_cast<int64_t>(it->file_size(ec));
  return n;
}

} // namespace kagent::cluster
