// Which node runs the next stage attempt, and how many slots the cluster
// has, as pure functions over the registry's node table (unit-tested).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kagent::cluster {

/// A node as placement sees it.
struct node_load {
  std::string name;
  int32_t slots = 0;
  int32_t busy = 0;       ///< attempts the head has placed there and not seen end
  bool up = true;         ///< joined and not lost
  bool llm = false;       ///< can reach the LLM proxy (only the head's local node)
};

/// The up node with a free slot that is least loaded (lowest busy/slots,
/// then most free slots, then name), or none. Attempts that call the LLM
/// go only to nodes with `llm`.
std::optional<size_t> pick_node(const std::vector<node_load>& nodes, bool needs_llm);

/// Slots of every up node: the cluster's max_running.
int64_t total_slots(const std::vector<node_load>& nodes);

/// Slots in use on up nodes.
int64_t busy_slots(const std::vector<node_load>& nodes);

} // namespace kagent::cluster
