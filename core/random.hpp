// Bytes from the kernel's CSPRNG (getrandom(2)), for job ids and API keys.
#pragma once

#include <cstddef>
#include <string>

namespace kagent {

/// Fills `buf` with `n` random bytes; aborts when the kernel has none to
/// give (ids and keys are never made from anything weaker).
void os_random(unsigned char* buf, size_t n);

/// `n` random bytes as lowercase hex (2n characters).
std::string random_hex(size_t n);

} // namespace kagent
