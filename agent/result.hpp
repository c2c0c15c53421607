// The stages' errors as values: core/result.hpp, under the agent's names.
#pragma once

#include "core/result.hpp"

namespace kagent::agent {

using kagent::fail;
using kagent::failure;
using kagent::ok_t;
using kagent::result;

} // namespace kagent::agent
