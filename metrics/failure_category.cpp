#include "metrics/failure_category.hpp"

namespace kagent::metrics {

const char* to_string(failure_category c) {
  switch (c) {
    case failure_category::program_error: return "program_error";
    case failure_category::missing_output: return "missing_output";
    case failure_category::timeout: return "timeout";
    case failure_category::killed: return "killed";
    case failure_category::sandbox: return "sandbox";
    case failure_category::unsafe_output: return "unsafe_output";
    case failure_category::node_lost: return "node_lost";
    case failure_category::launcher: return "launcher";
    case failure_category::source: return "source";
    case failure_category::database: return "database";
    case failure_category::crashed: return "crashed";
    case failure_category::other: break;
  }
  return "other";
}

bool is_sandbox_failure(failure_category c) {
  return c == failure_category::sandbox || c == failure_category::killed
         || c == failure_category::unsafe_output;
}

} // namespace kagent::metrics
