#include "cluster/tls.hpp"

#include <cerrno>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>


#include "core/log.hpp"

namespace kagent::cluster {

namespace {

// Problems with the files are found here, at start-up, not at the first connection.
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

} // namespace kagent::cluster
