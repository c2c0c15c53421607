// Who a stage runs as, and the little of /etc it sees. As root, kagentd
// runs stages as a dedicated system user (scripts/install-deps.sh creates
// `kagent-sandbox`): root inside a user namespace is still uid 0 to file
// permission checks, so the uid really changes. The sandbox's /etc is made
// from scratch (passwd, group, hosts, nsswitch) plus a few public host
// entries; never the host's shadow files.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"
#include "sandbox/identity.hpp"

namespace kagent::sandbox {

/// As root: the system user `name` (a failure saying how to create it when
/// it is missing, or when it is root itself). Otherwise: ourselves, unchanged.
result<identity> stage_identity(const std::string& name);

/// A generated file of the sandbox's /etc.
struct etc_file {
  std::string name;    ///< below /etc, e.g. "passwd"
  std::string content;
};

/// passwd, group, hosts and nsswitch.conf for a stage running as `who`
/// (home /job, no login shell, no password hashes anywhere).
std::vector<etc_file> minimal_etc(const identity& who);

/// Public host entries bound read-only when present: CA certificates, the
/// loader cache, Debian's alternatives symlinks, the time zone.
const std::vector<std::string>& shared_etc_entries();

} // namespace kagent::sandbox
