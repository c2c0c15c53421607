#include <cstring>
#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include "actors/messages.hpp"
#include "config/kagent_config.hpp"
void caf_main(caf::actor_system&, const kagent::kagent_config&) {}
int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { kagent::print_help(); return 0; }
  return caf::exec_main<caf::io::middleman>(caf_main, argc, argv);
}
