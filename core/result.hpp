// Errors as values outside the actor system: a value or a human-readable
// reason. The stages (agent/) and the sandbox (sandbox/) run without CAF, so
// they carry plain strings; a stage's end up in the `{"error": ...}` line a
// launcher reads. Header-only, so kagent-stage can use it.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace kagent {

/// A failure with the reason shown to users.
struct failure {
  std::string reason; ///< one sentence, precise enough to act on
};

/// Either a `T` or a failure.
template <class T>
class result {
public:
  /// A successful result.
  result(T value) : value_(std::move(value)) {}
  /// A failed result.
  result(failure f) : error_(std::move(f.reason)) {}
  /// True on success.
  explicit operator bool() const { return value_.has_value(); }
  /// The value; only valid on success.
  T& operator*() { return *value_; }
  /// The value; only valid on success.
  const T& operator*() const { return *value_; }
  /// Member access to the value; only valid on success.
  T* operator->() { return &*value_; }
  /// Member access to the value; only valid on success.
  const T* operator->() const { return &*value_; }
  /// The reason of a failure; empty on success.
  const std::string& error() const { return error_; }

private:
  std::optional<T> value_;
  std::string error_;
};

/// Success without a value.
struct ok_t {};

/// A failure built from a reason.
inline failure fail(std::string reason) { return failure{std::move(reason)}; }

} // namespace kagent
