#include "sources/download_cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/error.hpp"

namespace kagent::sources {

namespace {

caf::error io_error(const std::string& what) {
  return make_error(errc::internal, what + ": " + std::strerror(errno));
}

caf::error make_dir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
    return io_error("cannot create " + path);
  chmod(path.c_str(), 0755);  // stages run as another user and must traverse it
  return {};
}

// Empties and removes the directory `name` below `parent_fd`.
bool remove_at(int parent_fd, const char* name) {
  int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return unlinkat(parent_fd, name, 0) == 0 || errno == ENOENT;
  auto* d = fdopendir(fd);
  if (!d) {
    close(fd);
    return false;
  }
  bool ok = true;
  while (auto* ent = readdir(d)) {
    if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
      continue;
    if (unlinkat(fd, ent->d_name, 0) != 0)
      ok = (errno == EISDIR || errno == EPERM) ? remove_at(fd, ent->d_name) && ok : false;
  }
  closedir(d);
  return unlinkat(parent_fd, name, AT_REMOVEDIR) == 0 && ok;
}

} // namespace

cache_paths cache_paths_for(const std::string& cache_dir, const std::string& slug,
                            const std::string& unique) {
  return {cache_dir + "/" + slug, cache_dir + "/.staging/" + slug + "." + unique,
          cache_dir + "/.partial/" + slug + "." + unique + ".zip"};
}

caf::error remove_tree(const std::string& path) {
  auto slash = path.find_last_of('/');
  auto parent = slash == std::string::npos ? std::string{"."} : path.substr(0, slash);
  auto name = slash == std::string::npos ? path : path.substr(slash + 1);
  int fd = open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? caf::error{} : io_error("cannot open " + parent);
  struct stat st;
  bool ok = fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ? errno == ENOENT
                                                                      : remove_at(fd, name.c_str());
  close(fd);
  return ok ? caf::error{} : io_error("cannot remove " + path);
}

caf::error prepare_fetch(const std::string& cache_dir, const cache_paths& paths) {
  for (auto dir : {cache_dir, cache_dir + "/.staging", cache_dir + "/.partial"})
    if (auto err = make_dir(dir))
      return err;
  if (auto err = remove_tree(paths.staging))
    return err;
  return make_dir(paths.staging);
}

caf::error publish_entry(const cache_paths& paths) {
  if (rename(paths.staging.c_str(), paths.entry.c_str()) == 0)
    return {};
  if (errno != EEXIST && errno != ENOTEMPTY)
    return io_error("cannot publish " + paths.entry);
  return remove_tree(paths.staging);
}

} // namespace kagent::sources
