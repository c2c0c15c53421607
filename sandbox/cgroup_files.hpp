// Reading and writing the small control files of cgroupfs and procfs, for
// sandbox/ only. Header-only: a few lines each.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace kagent::sandbox::detail {

/// The whole (small) file, "" when unreadable.
inline std::string read_text(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return {};
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

/// Writes `text` in one write(2), as cgroupfs wants; 0 or the errno.
inline int write_text(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return errno;
  int err = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) ? 0 : errno;
  ::close(fd);
  return err;
}

/// The numbers of a cgroup.procs file.
inline std::vector<pid_t> read_pids(const std::string& path) {
  std::vector<pid_t> out;
  std::istringstream in{read_text(path)};
  long pid;
  while (in >> pid)
    out.push_back(static_cast<pid_t>(pid));
  return out;
}

/// The value of `key` in a "key value" file (memory.events, oom_control); -1 if absent.
inline int64_t keyed_value(const std::string& text, const std::string& key) {
  std::istringstream in{text};
  std::string k;
  int64_t v;
  while (in >> k >> v)
    if (k == key)
      return v;
  return -1;
}

/// A number file (memory.max_usage_in_bytes, pids.peak); -1 if unreadable.
inline int64_t number_in(const std::string& path) {
  auto text = read_text(path);
  return text.empty() ? -1 : std::strtoll(text.c_str(), nullptr, 10);
}

} // namespace kagent::sandbox::detail
