// The certificate files of mutual TLS on the cluster port. BASP has no
// authentication of its own, so a cluster port reachable from other hosts goes
// through cluster/tls_tunnel, with every node presenting a certificate from the
// cluster CA and verifying its peer's against it.
#pragma once

#include <string>


namespace kagent::cluster {

/// PEM paths of this node's certificate and key and of the cluster CA.
struct tls_files {
  std::string cert, key, ca;
  /// True when any of the three paths is set (then all three must be).
  bool enabled() const { return !cert.empty() || !key.empty() || !ca.empty(); }
};

/// "" when all three files are set and readable; otherwise a sentence naming the
/// option (--cluster-cert, --cluster-key, --cluster-ca) and the problem. A key that
/// others may read is only logged as a warning.
std::string check_tls_files(const tls_files& f);


} // namespace kagent::cluster
