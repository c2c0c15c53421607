// SHA-256 (OpenSSL's libcrypto) as lowercase hex: how API keys are stored
// and how request bodies are compared for Idempotency-Key.
#pragma once

#include <string>

namespace kagent {

/// The SHA-256 digest of `data`, 64 lowercase hex digits.
std::string sha256_hex(const std::string& data);

} // namespace kagent
