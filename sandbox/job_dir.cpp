#include "sandbox/job_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace kagent::sandbox {

namespace {

std::string why(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

const char* kind_of(mode_t mode) {
  if (S_ISLNK(mode))
    return "a symbolic link";
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISFIFO(mode))
    return "a FIFO";
  if (S_ISSOCK(mode))
    return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode))
    return "a device";
  return "not a regular file";
}

/// Hands every entry of `dir_fd` (not following links) to `owner`.
void chown_entries(int dir_fd, const identity& owner) {
  int dup = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  DIR* d = dup < 0 ? nullptr : ::fdopendir(dup);
  if (!d) {
    if (dup >= 0)
      ::close(dup);
    return;
  }
  std::vector<std::string> names;
  while (auto* e = ::readdir(d))
    if (is_plain_name(e->d_name))
      names.emplace_back(e->d_name);
  ::closedir(d);
  for (auto& n : names)
    ::fchownat(dir_fd, n.c_str(), owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW);
}

} // namespace

bool is_plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos
         && name.find('\0') == std::string::npos;
}

result<unique_fd> open_directory(const std::string& path) {
  unique_fd fd{::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
  if (!fd)
    return fail(why("cannot open directory " + path));
  return fd;
}

result<unique_fd> make_directory(int parent_fd, const std::string& name, unsigned mode,
                                 const identity& owner) {
  if (!is_plain_name(name))
    return fail("not a plain directory name: '" + name + "'");
  if (::mkdirat(parent_fd, name.c_str(), mode) != 0 && errno != EEXIST)
    return fail(why("cannot create directory " + name));
  unique_fd fd{::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
  if (!fd)
    return fail(why("cannot open directory " + name));
  if (owner.change && ::fchown(fd.get(), owner.uid, owner.gid) != 0)
    return fail(why("cannot hand directory " + name + " to " + owner.name));
  if (::fchmod(fd.get(), mode) != 0)
    return fail(why("cannot set the mode of directory " + name));
  return fd;
}

result<unique_fd> make_job_dir(const std::string& jobs_root, const std::string& job_id,
                               const identity& owner) {
  auto slash = jobs_root.rfind('/');
  auto parent = slash == std::string::npos ? std::string{"."}
                : slash == 0                ? std::string{"/"}
                                            : jobs_root.substr(0, slash);
  auto parent_fd = open_directory(parent);
  if (!parent_fd)
    return fail(parent_fd.error());
  auto root = make_directory(parent_fd->get(), jobs_root.substr(slash + 1), 0711);
  if (!root)
    return fail(root.error());
  auto dir = make_directory(root->get(), job_id, 0700, owner);
  if (dir && owner.change)
    chown_entries(dir->get(), owner);
  return dir;
}

result<std::optional<std::string>> read_output(int dir_fd, const std::string& name,
                                               int64_t max_bytes) {
  if (!is_plain_name(name))
    return fail("output '" + name + "' is not a plain file name; refused");
  // O_NONBLOCK: opening a FIFO the stage planted must not hang us.
  unique_fd fd{
    ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
  struct stat st {};
  if (!fd) {
    if (errno == ENOENT)
      return std::optional<std::string>{};
    if (errno == ELOOP)
      return fail("output " + name + " is a symbolic link; refused");
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode))
      return fail("output " + name + " is " + kind_of(st.st_mode) + "; refused");
    return fail(why("cannot open output " + name));
  }
  if (::fstat(fd.get(), &st) != 0)
    return fail(why("cannot stat output " + name));
  if (!S_ISREG(st.st_mode))
    return fail("output " + name + " is " + kind_of(st.st_mode) + "; refused");
  if (st.st_nlink != 1)
    return fail("output " + name + " has " + std::to_string(st.st_nlink) + " hard links; refused");
  if (st.st_size > max_bytes)
    return fail("output " + name + " is " + std::to_string(st.st_size) + " bytes, more than the "
                + std::to_string(max_bytes) + " allowed");
  std::string data;
  data.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  // Reads one byte past the size so a file that grows meanwhile is noticed.
  char extra;
  while (got < data.size()) {
    auto n = ::read(fd.get(), &data[got], data.size() - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return fail(why("cannot read output " + name));
    if (n == 0)
      break;
    got += static_cast<size_t>(n);
  }
  data.resize(got);
  if (::read(fd.get(), &extra, 1) > 0)
    return fail("output " + name + " grew while it was read; refused");
  return std::optional<std::string>{std::move(data)};
}

result<ok_t> write_file(int dir_fd, const std::string& name, const std::string& content,
                        const identity& owner) {
  if (!is_plain_name(name))
    return fail("not a plain file name: '" + name + "'");
  struct stat st {};
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISDIR(st.st_mode))
      return fail("cannot restore " + name + ": a directory is in its place");
    if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT)
      return fail(why("cannot replace " + name));
  }
  // O_EXCL: if anything appeared since the unlink, refuse rather than follow.
  unique_fd fd{::openat(dir_fd, name.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644)};
  if (!fd)
    return fail(why("cannot create " + name));
  size_t done = 0;
  while (done < content.size()) {
    auto n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return fail(why("cannot write " + name));
    done += static_cast<size_t>(n);
  }
  if (owner.change && ::fchown(fd.get(), owner.uid, owner.gid) != 0)
    return fail(why("cannot hand " + name + " to " + owner.name));
  return ok_t{};
}

result<unique_fd> open_log(const std::string& log_root, const std::string& job_id,
                           const std::string& stage) {
  if (!is_plain_name(job_id) || !is_plain_name(stage + ".log"))
    return fail("bad log name for job '" + job_id + "', stage '" + stage + "'");
  auto root = open_directory(log_root);
  if (!root) {
    if (::mkdir(log_root.c_str(), 0700) != 0 && errno != EEXIST)
      return fail(why("cannot create " + log_root));
    root = open_directory(log_root);
    if (!root)
      return fail(root.error());
  }
  auto dir = make_directory(root->get(), job_id, 0700);
  if (!dir)
    return fail(dir.error());
  auto file = stage + ".log";
  unique_fd fd{::openat(dir->get(), file.c_str(),
                        O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0640)};
  if (!fd)
    return fail(why("cannot open log " + log_root + "/" + job_id + "/" + file));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return fail("log " + file + " is not a regular file");
  return fd;
}

result<ok_t> link_competition(int job_fd, const std::string& data_dir,
                              const std::string& description) {
  auto dir = make_directory(job_fd, ".competition", 0755);
  if (!dir) {
    // Something the stage put there: it goes, we never follow it.
    ::unlinkat(job_fd, ".competition", 0);
    dir = make_directory(job_fd, ".competition", 0755);
    if (!dir)
      return fail(dir.error());
  }
  using link_of = std::pair<const std::string*, const char*>;
  for (auto [target, name] : {link_of{&data_dir, "data"}, link_of{&description, "description.md"}}) {
    if (::unlinkat(dir->get(), name, 0) != 0 && errno != ENOENT)
      return fail(why(std::string{"cannot replace .competition/"} + name));
    if (!target->empty() && ::symlinkat(target->c_str(), dir->get(), name) != 0)
      return fail(why(std::string{"cannot link .competition/"} + name));
  }
  return ok_t{};
}

} // namespace kagent::sandbox
