// Sequential byte streams the readers pull from: a plain file, a member of an
// archive (archive_reader.hpp) or a string in memory. Nothing is ever written
// to disk while reading.
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>

#include "agent/result.hpp"

namespace kagent::agent {

/// A stream of bytes read front to back.
class byte_source {
public:
  virtual ~byte_source() = default;
  /// Fills up to `n` bytes; returns how many, 0 at the end, -1 on a read error.
  virtual long read(char* buf, size_t n) = 0;
};

/// Bytes of a string held in memory.
class memory_source : public byte_source {
public:
  /// A source over a copy of `data`.
  explicit memory_source(std::string data) : data_(std::move(data)) {}
  long read(char* buf, size_t n) override;

private:
  std::string data_;
  size_t pos_ = 0;
};

/// Bytes of a file on disk.
class file_source : public byte_source {
public:
  /// Takes ownership of an open file.
  explicit file_source(std::FILE* f) : f_(f) {}
  ~file_source() override;
  long read(char* buf, size_t n) override;

private:
  std::FILE* f_;
};

/// Opens the file at `path` for reading.
result<std::unique_ptr<byte_source>> open_file(const std::string& path);

/// Reads everything left in `src`, failing past `limit` bytes.
result<std::string> read_all(byte_source& src, size_t limit);

} // namespace kagent::agent
