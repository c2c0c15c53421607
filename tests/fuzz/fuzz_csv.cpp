// libFuzzer target: the streaming CSV reader (agent/csv_reader), fed in
// small chunks so records and quotes straddle chunk boundaries.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "agent/csv_reader.hpp"

namespace {

class chunked_source : public kagent::agent::byte_source {
public:
  chunked_source(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  long read(char* buf, size_t n) override {
    n = std::min({n, size_ - pos_, size_t{7}});
    std::memcpy(buf, data_ + pos_, n);
    pos_ += n;
    return static_cast<long>(n);
  }

private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  chunked_source src{data, size};
  kagent::agent::csv_reader reader{src};
  std::vector<std::string> row;
  size_t rows = 0;
  while (reader.next(row) && rows < 100000)
    ++rows;
  kagent::agent::parse_csv_text(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
