#define CAF_SUITE http.ws_bounds
#include "caf/test/dsl.hpp"

#include "http/ws_admission.hpp"
#include "http/ws_outbox.hpp"

using namespace kagent::http;

CAF_TEST(no more than the window goes out before an acknowledgement) {
  ws_outbox box{100, 1000};
  for (int i = 1; i <= 10; ++i)
    box.push(std::string(30, 'x'), i, true);  // replay frames count too
  auto first = box.take();
  CAF_REQUIRE_EQUAL(first.size(), 4u);  // 120 bytes: the fourth fills the window
  CAF_CHECK(!first[0].ack && !first[2].ack && first[3].ack);
  CAF_CHECK(box.take().empty());
  box.acked();
  CAF_CHECK_EQUAL(box.take().size(), 4u);
  box.acked();
  auto last = box.take();
  CAF_CHECK_EQUAL(last.size(), 2u);
  CAF_CHECK(!last.back().ack);
  CAF_CHECK(box.empty());
}

CAF_TEST(live frames piling up past the bound mark a slow consumer and replay does not) {
  ws_outbox box{100, 300};
  for (int i = 0; i < 50; ++i)
    box.push(std::string(30, 'r'), i, true);
  CAF_CHECK(!box.overflowing());
  for (int i = 0; i < 10; ++i)
    box.push(std::string(30, 'l'), i, false);
  CAF_CHECK(!box.overflowing());
  box.push(std::string(30, 'l'), 11, false);
  CAF_CHECK(box.overflowing());
  box.clear();
  CAF_CHECK(!box.overflowing());
}

CAF_TEST(sessions are capped in all and per client address) {
  auto adm = std::make_shared<ws_admission>(3, 2);
  ws_slot a, b, c, d;
  CAF_CHECK(adm->try_acquire("10.0.0.1", a) == ws_admission::verdict::ok);
  CAF_CHECK(adm->try_acquire("10.0.0.1", b) == ws_admission::verdict::ok);
  CAF_CHECK(adm->try_acquire("10.0.0.1", c) == ws_admission::verdict::client_full);
  CAF_CHECK(adm->try_acquire("10.0.0.2", c) == ws_admission::verdict::ok);
  CAF_CHECK(adm->try_acquire("10.0.0.3", d) == ws_admission::verdict::server_full);
  CAF_CHECK_EQUAL(adm->total(), 3u);
  a = ws_slot{};  // a closed connection gives its place back
  CAF_CHECK_EQUAL(adm->of("10.0.0.1"), 1u);
  CAF_CHECK(adm->try_acquire("10.0.0.3", d) == ws_admission::verdict::ok);
}
