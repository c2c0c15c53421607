// Interned strings with reference counts: a million queued jobs share a few
// owners, URLs and competition slugs, so the run queue holds 4-byte ids
// instead of a string each (issue 13). Pure.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace kagent {

class string_pool {
public:
  /// The id of `s`, counting one more reference to it.
  uint32_t acquire(const std::string& s);

  /// Drops one reference; the string is forgotten with its last one.
  void release(uint32_t id);

  /// The string of a live id.
  const std::string& get(uint32_t id) const { return *slots_[id].text; }

  /// Distinct strings held.
  size_t size() const { return ids_.size(); }

private:
  struct slot {
    const std::string* text = nullptr;  ///< the key in ids_ (node-stable)
    uint32_t refs = 0;
  };
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<slot> slots_;
  std::vector<uint32_t> free_;  ///< ids of forgotten strings, reused first
};

} // namespace kagent
