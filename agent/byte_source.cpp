#include "agent/byte_source.hpp"

#include <cerrno>
#include <cstring>

namespace kagent::agent {

long memory_source::read(char* buf, size_t n) {
  auto k = std::min(n, data_.size() - pos_);
  std::memcpy(buf, data_.data() + pos_, k);
  pos_ += k;
  return static_cast<long>(k);
}

file_source::~file_source() {
  if (f_)
    std::fclose(f_);
}

long file_source::read(char* buf, size_t n) {
  auto k = std::fread(buf, 1, n, f_);
  if (k == 0 && std::ferror(f_))
    return -1;
  return static_cast<long>(k);
}

result<std::unique_ptr<byte_source>> open_file(const std::string& path) {
  auto* f = std::fopen(path.c_str(), "rb");
  if (!f)
    return fail("cannot open " + path + ": " + std::strerror(errno));
  return std::unique_ptr<byte_source>(new file_source(f));
}

result<std::string> read_all(byte_source& src, size_t limit) {
  std::string out;
  char buf[65536];
  for (;;) {
    auto n = src.read(buf, sizeof(buf));
    if (n < 0)
      return fail("read error");
    if (n == 0)
      return out;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > limit)
      return fail("file larger than " + std::to_string(limit) + " bytes");
  }
}

} // namespace kagent::agent
