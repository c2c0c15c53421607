#define CAF_SUITE actors.key_store
#include "caf/test/dsl.hpp"

#include "actors/key_store.hpp"
#include "actors/rate_limit.hpp"
#include "core/api_key.hpp"

using namespace kagent;

CAF_TEST(without keys every caller is the keyless principal that sees all) {
  auto p = authenticate({}, false, "");
  CAF_REQUIRE(p);
  CAF_CHECK(!p->keyed);
  CAF_CHECK(may_see(*p, "alice"));
}

CAF_TEST(with keys a known hash is its owner and anything else is refused) {
  std::vector<api_key_entry> keys{{hash_api_key("kag_a"), "alice", false},
                                  {hash_api_key("kag_r"), "root", true}};
  auto a = authenticate(keys, true, hash_api_key("kag_a"));
  CAF_REQUIRE(a);
  CAF_CHECK_EQUAL(a->owner, "alice");
  CAF_CHECK(may_see(*a, "alice"));
  CAF_CHECK(!may_see(*a, "bob"));
  auto r = authenticate(keys, true, hash_api_key("kag_r"));
  CAF_REQUIRE(r);
  CAF_CHECK(may_see(*r, "bob"));
  CAF_CHECK(!authenticate(keys, true, hash_api_key("kag_x")));
  CAF_CHECK(!authenticate(keys, true, ""));
  CAF_CHECK(!authenticate({}, true, ""));  // a public listener with every key revoked
}

CAF_TEST(keys come from a bearer header or a websocket subprotocol) {
  CAF_CHECK_EQUAL(bearer_token("Bearer kag_1"), "kag_1");
  CAF_CHECK_EQUAL(bearer_token("bearer   kag_1 "), "kag_1");
  CAF_CHECK_EQUAL(bearer_token("Basic abc"), "");
  CAF_CHECK_EQUAL(subprotocol_token("kagent, kagent-key.kag_2"), "kag_2");
  CAF_CHECK_EQUAL(subprotocol_token("kagent"), "");
  CAF_CHECK(new_api_key().size() == 68u);
  CAF_CHECK_NOT_EQUAL(new_api_key(), new_api_key());
  CAF_CHECK(is_valid_key_name("ci-bot_1.x"));
  CAF_CHECK(!is_valid_key_name("a b"));
  CAF_CHECK(!is_valid_key_name(""));
}

CAF_TEST(the rate limit allows N per minute per owner and says when to retry) {
  rate_limit rl{10};
  int64_t t = 1'000'000;
  for (int i = 0; i < 10; ++i)
    CAF_CHECK_EQUAL(rl.take("alice", t), 0);
  auto wait = rl.take("alice", t);
  CAF_CHECK_GREATER(wait, 0);
  CAF_CHECK_LESS_OR_EQUAL(wait, 6);
  CAF_CHECK_EQUAL(rl.take("bob", t), 0);        // another key is not affected
  CAF_CHECK_EQUAL(rl.take("alice", t + 6000), 0);  // one token per 6 s
  rl.refund("alice");
  CAF_CHECK_EQUAL(rl.take("alice", t + 6000), 0);
  CAF_CHECK_EQUAL(rate_limit{0}.take("x", t), 0);
}
