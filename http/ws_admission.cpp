#include "http/ws_admission.hpp"

namespace kagent::http {

ws_slot& ws_slot::operator=(ws_slot&& other) noexcept {
  if (this != &other) {
    if (owner_)
      owner_->release(client_);
    owner_ = std::move(other.owner_);
    client_ = std::move(other.client_);
  }
  return *this;
}

ws_slot::~ws_slot() {
  if (owner_)
    owner_->release(client_);
}

ws_admission::verdict ws_admission::try_acquire(const std::string& client, ws_slot& slot) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (max_total_ != 0 && total_ >= max_total_)
      return verdict::server_full;
    auto& mine = per_client_[client];
    if (max_per_client_ != 0 && mine >= max_per_client_)
      return verdict::client_full;
    ++mine;
    ++total_;
  }
  slot = ws_slot{shared_from_this(), client};
  return verdict::ok;
}

size_t ws_admission::total() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return total_;
}

size_t ws_admission::of(const std::string& client) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = per_client_.find(client);
  return i == per_client_.end() ? 0 : i->second;
}

void ws_admission::release(const std::string& client) {
  std::lock_guard<std::mutex> guard{mtx_};
  --total_;
  auto i = per_client_.find(client);
  if (i != per_client_.end() && --i->second == 0)
    per_client_.erase(i);
}

} // namespace kagent::http
