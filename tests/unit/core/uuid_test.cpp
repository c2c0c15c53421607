#define CAF_SUITE core.uuid
#include "caf/test/dsl.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <set>
#include <string>

#include "core/text.hpp"
#include "core/uuid.hpp"

using namespace kagent;

namespace {

// The 128 bits of a canonical UUID, most significant first.
std::array<bool, 128> bits_of(const std::string& id) {
  std::array<bool, 128> out{};
  size_t bit = 0;
  for (char c : id) {
    if (c == '-')
      continue;
    auto v = hex_value(c);
    for (int i = 3; i >= 0; --i)
      out[bit++] = ((v >> i) & 1) != 0;
  }
  return out;
}

// Ids a forked child makes right after the fork, read back through a pipe.
std::string ids_after_fork(int n) {
  int fds[2];
  if (pipe(fds) != 0)
    return {};
  auto pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string all;
    for (int i = 0; i < n; ++i)
      all += new_uuid();
    auto rc = write(fds[1], all.data(), all.size());
    _exit(rc == static_cast<ssize_t>(all.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string got(static_cast<size_t>(36 * n), '\0');
  size_t at = 0;
  while (at < got.size()) {
    auto r = read(fds[0], got.data() + at, got.size() - at);
    if (r <= 0)
      break;
    at += static_cast<size_t>(r);
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  got.resize(at);
  return got;
}

} // namespace

// A user-space generator (mt19937_64 seeded once) is copied by fork(): the
// child then makes exactly the parent's next ids, the predictability of
// issue 9. Ids from the OS CSPRNG share nothing across a fork.
CAF_TEST(a forked process does not repeat the next ids of its parent) {
  new_uuid();  // the generator exists before the fork
  auto child = ids_after_fork(4);
  CAF_REQUIRE_EQUAL(child.size(), 4u * 36u);
  std::string parent;
  for (int i = 0; i < 4; ++i)
    parent += new_uuid();
  CAF_CHECK_NOT_EQUAL(child, parent);
  for (int i = 0; i < 4; ++i)
    CAF_CHECK_NOT_EQUAL(child.substr(36 * i, 36), parent.substr(36 * i, 36));
}

// 122 bits vary, 6 are fixed (version 4, variant 1): over 20,000 ids every
// variable bit is set in roughly half of them (the bound is ~14 sigma wide).
CAF_TEST(every id has 122 random bits and the version 4 variant 1 bits) {
  constexpr int n = 20000;
  std::array<int, 128> ones{};
  std::set<std::string> seen;
  for (int i = 0; i < n; ++i) {
    auto id = new_uuid();
    CAF_REQUIRE(is_uuid(id));
    CAF_REQUIRE_EQUAL(to_lower(id), id);
    seen.insert(id);
    auto b = bits_of(id);
    for (size_t k = 0; k < b.size(); ++k)
      ones[k] += b[k];
  }
  CAF_CHECK_EQUAL(seen.size(), static_cast<size_t>(n));
  const std::set<size_t> fixed{48, 49, 50, 51, 64, 65};
  // version nibble 0100, variant bits 10
  CAF_CHECK_EQUAL(ones[48], 0);
  CAF_CHECK_EQUAL(ones[49], n);
  CAF_CHECK_EQUAL(ones[50], 0);
  CAF_CHECK_EQUAL(ones[51], 0);
  CAF_CHECK_EQUAL(ones[64], n);
  CAF_CHECK_EQUAL(ones[65], 0);
  int random_bits = 0;
  for (size_t k = 0; k < 128; ++k) {
    if (fixed.count(k))
      continue;
    ++random_bits;
    CAF_CHECK_GREATER(ones[k], n / 2 - 1000);
    CAF_CHECK_LESS(ones[k], n / 2 + 1000);
  }
  CAF_CHECK_EQUAL(random_bits, 122);
}
