#define CAF_SUITE cluster.placement
#include "caf/test/dsl.hpp"

#include "cluster/placement.hpp"

using namespace kagent::cluster;

namespace {

node_load node(std::string name, int32_t slots, int32_t busy, bool up = true, bool llm = false) {
  return {std::move(name), slots, busy, up, llm};
}

std::string picked(const std::vector<node_load>& nodes, bool needs_llm = false) {
  auto i = pick_node(nodes, needs_llm);
  return i ? nodes[*i].name : "none";
}

} // namespace

CAF_TEST(pick_node takes the node with the lowest busy to slots ratio) {
  // a: 2/4 = 0.5, b: 1/4 = 0.25, c: 3/8 = 0.375
  CAF_CHECK_EQUAL(picked({node("a", 4, 2), node("b", 4, 1), node("c", 8, 3)}), "b");
  // an idle small node beats a busy big one
  CAF_CHECK_EQUAL(picked({node("big", 16, 1), node("small", 1, 0)}), "small");
}

CAF_TEST(pick_node breaks a ratio tie by more free slots then by name) {
  // 1/2 and 2/4 tie; the 4-slot node has 2 free
  CAF_CHECK_EQUAL(picked({node("a", 2, 1), node("b", 4, 2)}), "b");
  // idle nodes tie on ratio 0; more free slots wins
  CAF_CHECK_EQUAL(picked({node("a", 1, 0), node("b", 3, 0)}), "b");
  // full tie: the smaller name, whatever the order in the table
  CAF_CHECK_EQUAL(picked({node("z", 2, 0), node("m", 2, 0)}), "m");
  CAF_CHECK_EQUAL(picked({node("m", 2, 0), node("z", 2, 0)}), "m");
}

CAF_TEST(pick_node skips full and lost nodes) {
  CAF_CHECK_EQUAL(picked({node("full", 8, 8), node("lost", 8, 0, false), node("ok", 2, 1)}),
                  "ok");
  // over-full (busy above slots after a shrink) counts as full
  CAF_CHECK_EQUAL(picked({node("over", 2, 3), node("ok", 2, 1)}), "ok");
}

CAF_TEST(pick_node sends llm attempts only to llm nodes) {
  std::vector<node_load> nodes{node("remote", 8, 0), node("local", 2, 1, true, true)};
  CAF_CHECK_EQUAL(picked(nodes, true), "local");
  CAF_CHECK_EQUAL(picked(nodes, false), "remote");
  CAF_CHECK_EQUAL(picked({node("remote", 8, 0), node("local", 2, 2, true, true)}, true), "none");
  CAF_CHECK_EQUAL(picked({node("local", 2, 0, false, true)}, true), "none");
}

CAF_TEST(pick_node finds none when every node is full or there is none) {
  CAF_CHECK_EQUAL(picked({node("a", 1, 1), node("b", 2, 2)}), "none");
  CAF_CHECK_EQUAL(picked({}), "none");
}

CAF_TEST(total_slots and busy_slots count only up nodes) {
  std::vector<node_load> nodes{node("a", 4, 1), node("b", 2, 2), node("lost", 8, 5, false)};
  CAF_CHECK_EQUAL(total_slots(nodes), 6);
  CAF_CHECK_EQUAL(busy_slots(nodes), 3);
  CAF_CHECK_EQUAL(total_slots({}), 0);
  CAF_CHECK_EQUAL(busy_slots({node("lost", 8, 5, false)}), 0);
}
