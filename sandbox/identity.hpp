// Who a child process runs as: a plain value shared by the spawner, the
// job directory code and the actors that own job directories. Header-only.
#pragma once

#include <sys/types.h>

#include <string>

namespace kagent::sandbox {

/// Who the program runs as. `change` false: whoever we are.
struct identity {
  bool change = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name; ///< for messages
};

} // namespace kagent::sandbox
