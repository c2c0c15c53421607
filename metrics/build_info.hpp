// kagent_build_info{version,commit} 1: which build answers the scrape.
#pragma once

#include <string>

#include <prometheus/registry.h>

namespace kagent::metrics {

/// What kagent_build_info's labels say.
struct build_facts {
  std::string version;  ///< the project version (CMake's PROJECT_VERSION)
  std::string commit;   ///< the git commit built, "unknown" outside a checkout
};

/// The facts of this binary, fixed when it was configured.
build_facts this_build();

/// Registers kagent_build_info in `r` with value 1.
void register_build_info(prometheus::Registry& r, const build_facts& facts);

} // namespace kagent::metrics
