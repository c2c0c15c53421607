// An owned file descriptor, closed on destruction. Header-only.
#pragma once

#include <unistd.h>

#include <utility>

namespace kagent::sandbox {

/// Owns one file descriptor (-1: none).
class unique_fd {
public:
  unique_fd() = default;
  /// Takes ownership of `fd`.
  explicit unique_fd(int fd) : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other)
      reset(std::exchange(other.fd_, -1));
    return *this;
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }

  /// The descriptor, still owned.
  int get() const { return fd_; }
  /// True when it holds a descriptor.
  explicit operator bool() const { return fd_ >= 0; }
  /// Closes the held descriptor and takes `fd` instead.
  void reset(int fd = -1) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = fd;
  }
  /// Gives up ownership.
  int release() { return std::exchange(fd_, -1); }

private:
  int fd_ = -1;
};

} // namespace kagent::sandbox
