// API keys (issue 9, docs/API.md): how a key looks, how it is stored (only its
// SHA-256), and how a request carries it (`Authorization: Bearer <key>`, or
// a browser's WebSocket subprotocol `kagent-key.<key>`). Pure.
#pragma once

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

namespace kagent {

/// A fresh key: "kag_" and 64 hex digits (256 bits from getrandom).
std::string new_api_key();

/// What is stored of a key: its SHA-256 in hex.
std::string hash_api_key(const std::string& key);

/// The key of an `Authorization` header value "Bearer <key>" (scheme in any
/// case), empty when the header is absent or of another scheme.
std::string bearer_token(const std::string& authorization);

/// The key offered in a `Sec-WebSocket-Protocol` list ("kagent,
/// kagent-key.<key>"), empty when none.
std::string subprotocol_token(const std::string& protocols);

/// True for a name `keys create --name` accepts: 1..64 of [A-Za-z0-9_.-].
bool is_valid_key_name(const std::string& name);

/// Who a request acts for once its key is checked.
struct principal {
  std::string owner;   ///< the key's name; stored as jobs.owner; empty without keys
  bool admin = false;  ///< sees and cancels every job
  bool keyed = false;  ///< a key was checked (false: keys are off, loopback only)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, principal& x) {
  return f(caf::meta::type_name("principal"), x.owner, x.admin, x.keyed);
}

/// A live key as the server checks it.
struct api_key_entry {
  std::string key_hash;
  std::string name;
  bool admin = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, api_key_entry& x) {
  return f(caf::meta::type_name("api_key_entry"), x.key_hash, x.name, x.admin);
}

/// An earlier POST /run with the same owner and Idempotency-Key, if any.
struct idempotent_hit {
  bool found = false;
  std::string request_hash;
  std::string job_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, idempotent_hit& x) {
  return f(caf::meta::type_name("idempotent_hit"), x.found, x.request_hash, x.job_id);
}

/// True when `p` may see the job owned by `owner`.
inline bool may_see(const principal& p, const std::string& owner) {
  return !p.keyed || p.admin || p.owner == owner;
}

} // namespace kagent
