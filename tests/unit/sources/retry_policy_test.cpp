#define CAF_SUITE sources.retry_policy
#include "caf/test/dsl.hpp"

#include "sources/retry_policy.hpp"

using namespace kagent::sources;

CAF_TEST(rate limits timeouts and server errors are retried but client errors are not) {
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L})
    CAF_CHECK(is_retryable_status(s));
  for (long s : {200L, 301L, 400L, 401L, 403L, 404L, 416L, 501L})
    CAF_CHECK(!is_retryable_status(s));
}

CAF_TEST(retry after is read as seconds or as an http date) {
  CAF_CHECK_EQUAL(parse_retry_after("3", 0), 3);
  CAF_CHECK_EQUAL(parse_retry_after(" 120 ", 0), 120);
  // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example).
  CAF_CHECK_EQUAL(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 30), 30);
  CAF_CHECK_EQUAL(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 30), 0);
  CAF_CHECK_EQUAL(parse_retry_after("", 0), -1);
  CAF_CHECK_EQUAL(parse_retry_after("soon", 0), -1);
  CAF_CHECK_EQUAL(parse_retry_after("-5", 0), -1);
}

CAF_TEST(the backoff grows by 1.7 per attempt with jitter and stops at the cap) {
  retry_policy p;
  p.base_delay_ms = 1000;
  p.max_delay_ms = 60000;
  CAF_CHECK_EQUAL(retry_delay_ms(p, 1, -1, 0.5), 1000);
  CAF_CHECK_EQUAL(retry_delay_ms(p, 2, -1, 0.5), 1700);
  CAF_CHECK_EQUAL(retry_delay_ms(p, 3, -1, 0.5), 2890);
  CAF_CHECK_EQUAL(retry_delay_ms(p, 1, -1, 0.0), 500);   // jitter spans half ...
  CAF_CHECK_LESS(retry_delay_ms(p, 1, -1, 0.99999), 1500);  // ... to one and a half
  CAF_CHECK_EQUAL(retry_delay_ms(p, 30, -1, 0.5), 60000);
}

CAF_TEST(the server retry after wins over the backoff up to the cap) {
  retry_policy p;
  p.max_delay_ms = 60000;
  CAF_CHECK_EQUAL(retry_delay_ms(p, 5, 1, 0.5), 1000);
  CAF_CHECK_EQUAL(retry_delay_ms(p, 1, 0, 0.5), 0);
  CAF_CHECK_EQUAL(retry_delay_ms(p, 1, 3600, 0.5), 60000);
}
