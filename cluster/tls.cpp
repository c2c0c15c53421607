#include "cluster/tls.hpp"

#include <cerrno>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include "core/log.hpp"

namespace kagent::cluster {

namespace {

// CAF reads the files again for every connection and throws from its I/O thread when
// one fails to load, so problems must be found here, at start-up.
std::string check_one(const char* option, const std::string& path) {
  if (path.empty())
    return std::string{option}
           + " is not set (cluster TLS needs --cluster-cert, "
             "--cluster-key and --cluster-ca together)";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return std::string{option} + " " + path + ": " + std::strerror(errno);
  if (!S_ISREG(st.st_mode))
    return std::string{option} + " " + path + ": not a regular file";
  if (::access(path.c_str(), R_OK) != 0)
    return std::string{option} + " " + path + ": not readable: " + std::strerror(errno);
  return {};
}

} // namespace

std::string check_tls_files(const tls_files& f) {
  for (auto [option, path] : {std::pair{"--cluster-cert", &f.cert},
                              std::pair{"--cluster-key", &f.key}, std::pair{"--cluster-ca", &f.ca}})
    if (auto problem = check_one(option, *path); !problem.empty())
      return problem;
  struct stat st {};
  if (::stat(f.key.c_str(), &st) == 0 && (st.st_mode & S_IROTH) != 0)
    get_logger("cluster")->warn("cluster key is world-readable path={} hint=chmod 600", f.key);
  return {};
}

void configure_tls(caf::actor_system_config& cfg, const tls_files& f) {
  if (!f.enabled())
    return;
  cfg.load<caf::openssl::manager>();
  // Setting any openssl.* option switches CAF's session.cpp from anonymous ECDH to
  // "HIGH:!aNULL:!MD5" with SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT on both
  // the accepting and the connecting side. Only `cafile` is trusted: no capath and no
  // system store, so only certificates from the cluster CA pass. CAF checks no host
  // names: any certificate from this CA is a cluster member.
  cfg.set("openssl.certificate", f.cert);
  cfg.set("openssl.key", f.key);
  cfg.set("openssl.cafile", f.ca);
}

caf::io::middleman_actor connector(caf::actor_system& sys, bool tls) {
  // openssl_manager() throws if configure_tls did not load the module: a start-up bug.
  return tls ? sys.openssl_manager().actor_handle() : sys.middleman().actor_handle();
}

} // namespace kagent::cluster
