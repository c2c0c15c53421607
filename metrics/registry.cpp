#include "metrics/registry.hpp"

#include "metrics/exposition.hpp"
#include "metrics/state_families.hpp"

namespace kagent::metrics {

registry::registry(const build_facts& build)
  : registry_(std::make_shared<prometheus::Registry>()),
    http_(*registry_),
    jobs_(*registry_),
    database_(*registry_) {
  register_build_info(*registry_, build);
}

std::string registry::exposition(const state_view& state) const {
  return exposition_text(*registry_, state_families(state));
}

registry_ptr or_private(registry_ptr r) {
  return r ? std::move(r) : std::make_shared<registry>();
}

} // namespace kagent::metrics
