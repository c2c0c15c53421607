#define CAF_SUITE agent.column_inference
#include "caf/test/dsl.hpp"

#include "agent/column_inference.hpp"

using namespace kagent::agent;

namespace {

column_kind kind_of(const std::vector<std::string>& cells) {
  return infer_column("c", cells).kind;
}

std::vector<std::string> repeat(const std::vector<std::string>& v, size_t times) {
  std::vector<std::string> out;
  for (size_t i = 0; i < times; ++i)
    for (auto& s : v)
      out.push_back(s + (times > 1 && s.size() > 12 ? " " + std::to_string(i) : ""));
  return out;
}

} // namespace

CAF_TEST(numbers with missing cells are numeric) {
  CAF_CHECK(kind_of({"1", "2.5", "", "NA", "-3e2"}) == column_kind::numeric);
  auto st = infer_column("c", {"1", "2", "", "4"});
  CAF_CHECK(st.integer);
  CAF_CHECK_EQUAL(st.missing_share, 0.25);
}

CAF_TEST(strings with few levels are categorical) {
  CAF_CHECK(kind_of({"male", "female", "male", ""}) == column_kind::categorical);
  CAF_CHECK(kind_of({"3rd", "1st", "2nd"}) == column_kind::categorical);
}

CAF_TEST(iso and us dates are datetimes) {
  CAF_CHECK(kind_of({"2016-09-12", "2015-11-15", ""}) == column_kind::datetime);
  CAF_CHECK(kind_of({"2016-09-12 10:30:00", "2016-09-12T11:00"}) == column_kind::datetime);
  CAF_CHECK(kind_of({"09/12/2016", "11/15/2015"}) == column_kind::datetime);
  CAF_CHECK(!is_datetime("2016-9-1x"));
}

CAF_TEST(long unique multi word strings are text) {
  auto cells = repeat({"Smyth, Miss. Julia Anne", "Glynn, Mr. Patrick Joseph"}, 20);
  CAF_CHECK(kind_of(cells) == column_kind::text);
}

CAF_TEST(hex and infinities are not numbers) {
  CAF_CHECK(!is_number("0x1F"));
  CAF_CHECK(!is_number("inf"));
  CAF_CHECK(is_number(" 12.5 "));
  CAF_CHECK(is_missing("nan"));
  CAF_CHECK(!is_missing("0"));
}
