#include "cluster/placement.hpp"

#include <tuple>

namespace kagent::cluster {

std::optional<size_t> pick_node(const std::vector<node_load>& nodes, bool needs_llm) {
  std::optional<size_t> best;
  // busy/slots compared as cross products: no floating point ties.
  auto better = [&](const node_load& a, const node_load& b) {
    auto lhs = int64_t{a.busy} * b.slots;
    auto rhs = int64_t{b.busy} * a.slots;
    if (lhs != rhs)
      return lhs < rhs;
    auto free_a = a.slots - a.busy;
    auto free_b = b.slots - b.busy;
    if (free_a != free_b)
      return free_a > free_b;
    return a.name < b.name;
  };
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto& n = nodes[i];
    if (!n.up || n.busy >= n.slots || (needs_llm && !n.llm))
      continue;
    if (!best || better(n, nodes[*best]))
      best = i;
  }
  return best;
}

int64_t total_slots(const std::vector<node_load>& nodes) {
  int64_t n = 0;
  for (auto& x : nodes)
    if (x.up)
      n += x.slots;
  return n;
}

int64_t busy_slots(const std::vector<node_load>& nodes) {
  int64_t n = 0;
  for (auto& x : nodes)
    if (x.up)
      n += x.busy;
  return n;
}

} // namespace kagent::cluster
