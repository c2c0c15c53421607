#define CAF_SUITE metrics
#define FAIL(msg) CAF_FAIL(msg) // 0.17.6: the fixture's request<T>() calls FAIL()
#include "caf/test/dsl.hpp"
#include "caf/test/unit_test_impl.hpp"
