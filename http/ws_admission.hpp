// Caps on open WebSocket sessions, in all and per client address (issue 9):
// an upgrade beyond the total is answered 503, beyond a client's share 429.
// A place is taken when the upgrade request is routed and given back when
// the connection ends (ws_slot). Thread-safe; shared by a server's sessions.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace kagent::http {

class ws_admission;

/// A place held by one WebSocket connection; released on destruction.
class ws_slot {
public:
  ws_slot() = default;
  ws_slot(std::shared_ptr<ws_admission> owner, std::string client)
    : owner_(std::move(owner)), client_(std::move(client)) {
  }
  ws_slot(ws_slot&&) noexcept = default;
  ws_slot& operator=(ws_slot&& other) noexcept;
  ws_slot(const ws_slot&) = delete;
  ws_slot& operator=(const ws_slot&) = delete;
  ~ws_slot();

  /// True when a place is held.
  explicit operator bool() const {
    return owner_ != nullptr;
  }

private:
  std::shared_ptr<ws_admission> owner_;
  std::string client_;
};

/// Counts the sessions against the caps.
class ws_admission : public std::enable_shared_from_this<ws_admission> {
public:
  enum class verdict { ok, server_full, client_full };

  /// 0 for a cap means no limit.
  ws_admission(size_t max_total, size_t max_per_client)
    : max_total_(max_total), max_per_client_(max_per_client) {
  }

  /// Takes a place for `client` (its address) or says which cap is reached.
  verdict try_acquire(const std::string& client, ws_slot& slot);

  /// Open sessions in all.
  size_t total() const;

  /// Open sessions of one client address.
  size_t of(const std::string& client) const;

private:
  friend class ws_slot;
  void release(const std::string& client);

  size_t max_total_;
  size_t max_per_client_;
  mutable std::mutex mtx_;
  size_t total_ = 0;
  std::unordered_map<std::string, size_t> per_client_;
};

} // namespace kagent::http
