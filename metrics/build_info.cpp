#include "metrics/build_info.hpp"

#include <prometheus/gauge.h>

// Set by CMake for this file only, so a new commit rebuilds nothing else.
#ifndef KAGENT_VERSION
#define KAGENT_VERSION "unknown"
#endif
#ifndef KAGENT_COMMIT
#define KAGENT_COMMIT "unknown"
#endif

namespace kagent::metrics {

build_facts this_build() {
  return {KAGENT_VERSION, KAGENT_COMMIT};
}

void register_build_info(prometheus::Registry& r, const build_facts& facts) {
  prometheus::BuildGauge()
    .Name("kagent_build_info")
    .Help("Always 1; the labels name the version and git commit of this kagentd.")
    .Register(r)
    .Add({{"version", facts.version}, {"commit", facts.commit}})
    .Set(1);
}

} // namespace kagent::metrics
