#include "actors/string_pool.hpp"

namespace kagent {

uint32_t string_pool::acquire(const std::string& s) {
  auto [at, fresh] = ids_.try_emplace(s, 0);
  if (!fresh) {
    ++slots_[at->second].refs;
    return at->second;
  }
  uint32_t id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  at->second = id;
  slots_[id] = slot{&at->first, 1};
  return id;
}

void string_pool::release(uint32_t id) {
  auto& sl = slots_[id];
  if (--sl.refs > 0)
    return;
  ids_.erase(ids_.find(*sl.text));  // by iterator: the key is the node being erased
  sl.text = nullptr;
  free_.push_back(id);
}

} // namespace kagent
