// Mutual TLS around the cluster's BASP connections, done by kagentd itself
// (Boost.Asio over OpenSSL) instead of CAF's openssl module: CAF 0.17.6
// drains OpenSSL's per-thread error queue only in a log statement that
// Debian's build compiles out, so one refused handshake (a peer without a
// certificate) made SSL_get_error fail the next read of every other TLS
// connection of that node: joined workers dropped and their stages failed.
//
//   head:   TLS on --cluster-host:--cluster-port  ->  BASP on 127.0.0.1:<inner>
//   worker: BASP to 127.0.0.1:<local>  ->  TLS to the head's cluster port
//
// Both ends present a certificate and verify the peer's against the
// cluster CA; a connection that fails the handshake is closed alone.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "cluster/tls.hpp"
#include "core/result.hpp"

namespace kagent::cluster {

class tls_tunnel {
public:
  /// Head side: accepts TLS on host:port and carries each connection to
  /// 127.0.0.1:inner_port.
  static result<std::unique_ptr<tls_tunnel>> serve(const tls_files& files,
                                                   const std::string& host, uint16_t port,
                                                   uint16_t inner_port);

  /// Worker side: accepts on 127.0.0.1 (local_port()) and carries each
  /// connection over TLS to host:port.
  static result<std::unique_ptr<tls_tunnel>> dial(const tls_files& files,
                                                  const std::string& host, uint16_t port);

  ~tls_tunnel();
  tls_tunnel(const tls_tunnel&) = delete;
  tls_tunnel& operator=(const tls_tunnel&) = delete;

  /// The port this end accepts on (the cluster port, or the local one).
  uint16_t local_port() const;

  /// Handshakes refused since start (no certificate, another CA, not TLS).
  int64_t refused() const;

  struct impl;

private:
  explicit tls_tunnel(std::shared_ptr<impl> p);
  std::shared_ptr<impl> impl_;
};

} // namespace kagent::cluster
