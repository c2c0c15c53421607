// SHA-256 (OpenSSL's libcrypto) as lowercase hex: how API keys are stored,
// how request bodies are compared for Idempotency-Key and how cluster
// workers name the competition files they cache.
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace kagent {

/// The SHA-256 digest of `data`, 64 lowercase hex digits.
std::string sha256_hex(const std::string& data);

/// A digest fed in pieces (files too big to hold in memory).
class sha256_stream {
public:
  sha256_stream();
  ~sha256_stream();
  sha256_stream(const sha256_stream&) = delete;
  sha256_stream& operator=(const sha256_stream&) = delete;
  void update(const char* data, size_t n);
  /// The digest of everything fed so far, 64 lowercase hex digits.
  std::string hex();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The SHA-256 of the file at `path`, read in 1 MiB pieces; none when it
/// cannot be read.
std::optional<std::string> sha256_file(const std::string& path);

} // namespace kagent
