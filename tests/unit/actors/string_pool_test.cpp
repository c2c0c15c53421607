#define CAF_SUITE actors.string_pool
#include "caf/test/dsl.hpp"

#include "actors/string_pool.hpp"

using namespace kagent;

CAF_TEST(equal strings share an id until their last reference goes) {
  string_pool p;
  auto a = p.acquire("titanic");
  auto b = p.acquire(std::string{"tita"} + "nic");
  auto c = p.acquire("iris");
  CAF_CHECK_EQUAL(a, b);
  CAF_CHECK_NOT_EQUAL(a, c);
  CAF_CHECK_EQUAL(p.get(a), "titanic");
  CAF_CHECK_EQUAL(p.size(), 2u);
  p.release(a);
  CAF_CHECK_EQUAL(p.get(b), "titanic");
  p.release(b);
  CAF_CHECK_EQUAL(p.size(), 1u);
  auto d = p.acquire("house-prices");  // reuses the forgotten id
  CAF_CHECK_EQUAL(d, a);
  CAF_CHECK_EQUAL(p.get(d), "house-prices");
  CAF_CHECK_EQUAL(p.get(c), "iris");
}
