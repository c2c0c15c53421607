// Mutual TLS for the cluster port. BASP has no authentication of its own, so a cluster
// port reachable from other hosts goes through CAF's openssl module, with every node
// presenting a certificate from the cluster CA and verifying its peer's against it.
#pragma once

#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman_actor.hpp>

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

/// Loads caf::openssl::manager and sets openssl.certificate/key/cafile so that both
/// sides present a certificate and both verify the peer against `f.ca`. Call before
/// the actor_system exists and after cfg.load<caf::io::middleman>(). No-op when
/// !f.enabled().
void configure_tls(caf::actor_system_config& cfg, const tls_files& f);

/// The middleman actor that publishes and connects over TLS when `tls` (the system
/// must have been configured by configure_tls), over plain BASP otherwise.
caf::io::middleman_actor connector(caf::actor_system& sys, bool tls);

} // namespace kagent::cluster
