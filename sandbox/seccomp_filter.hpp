// A small seccomp filter installed on every stage before it execs (bwrap or
// the stage itself): no ptrace, no reading or writing other processes'
// memory, no stealing their descriptors; optionally no new user namespace.
// Classic BPF written by hand, so no libseccomp is needed.
#pragma once

#include <linux/filter.h>

#include <vector>

namespace kagent::sandbox {

/// What the filter refuses besides ptrace and friends.
struct seccomp_policy {
  /// Also refuse creating user namespaces (unshare/clone with CLONE_NEWUSER;
  /// clone3 answers ENOSYS so libc falls back to clone). Off under bwrap,
  /// which needs a user namespace itself and disables them with --disable-userns.
  bool deny_user_namespaces = false;
};

/// The filter program; empty on architectures it was not written for.
std::vector<sock_filter> seccomp_program(const seccomp_policy& policy);

/// Sets no_new_privs and installs `program` on the calling thread.
/// Async-signal-safe (raw prctl calls): meant for the child between fork
/// and exec. Returns 0, or -1 with errno set.
int install_seccomp(const std::vector<sock_filter>& program);

} // namespace kagent::sandbox
