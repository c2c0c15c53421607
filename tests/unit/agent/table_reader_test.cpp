#define CAF_SUITE agent.table_reader
#include "caf/test/dsl.hpp"

#include "agent/column_inference.hpp"
#include "agent/csv_reader.hpp"
#include "agent/table_reader.hpp"

using namespace kagent::agent;

namespace {

std::vector<std::string> row(std::initializer_list<const char*> cells) {
  return std::vector<std::string>(cells.begin(), cells.end());
}

} // namespace

CAF_TEST(the delimiter is sniffed from the header line outside quotes) {
  CAF_CHECK_EQUAL(sniff_separator("id,name,score\n1,a;b,2\n"), ',');
  CAF_CHECK_EQUAL(sniff_separator("id\tname\tscore\n1\ta,b\t2\n"), '\t');
  CAF_CHECK_EQUAL(sniff_separator("id;\"a,b,c\";score\r\n1;x;2\r\n"), ';');
  CAF_CHECK_EQUAL(sniff_separator("\xEF\xBB\xBFid|name\n1|x\n"), '|');
  CAF_CHECK_EQUAL(sniff_separator("onlyone\n1\n"), ',');
  CAF_CHECK_EQUAL(sniff_separator(""), ',');
}

CAF_TEST(a tab or semicolon delimited text splits on its delimiter only) {
  auto tsv = parse_csv_text("id\tlabel\ttext\n1\tspam\thello, world\n", '\t');
  CAF_REQUIRE_EQUAL(tsv.size(), 2u);
  CAF_CHECK_EQUAL(tsv[1], row({"1", "spam", "hello, world"}));
  auto semi = parse_csv_text("a;b\n\"x;y\";2\n", ';');
  CAF_CHECK_EQUAL(semi[1], row({"x;y", "2"}));
}

CAF_TEST(scanning a pipe delimited table counts rows and keeps its header) {
  auto s = scan_text("id|y\n1|a\n2|b\n3|a\n", "csv", [](auto& c) { return c == "y"; }, {}, '|');
  CAF_REQUIRE(s);
  CAF_CHECK_EQUAL(s->header, row({"id", "y"}));
  CAF_CHECK_EQUAL(s->rows, 3);
  CAF_CHECK_EQUAL(s->distinct["y"]["a"], 2);
}

CAF_TEST(a json list field is one cell holding the list) {
  auto text = R"([{"id": 1, "ingredients": ["salt", "water"], "cuisine": "greek"},
                  {"id": 2, "ingredients": [], "cuisine": "thai"}])";
  auto s = scan_text(text, "json", nullptr);
  CAF_REQUIRE(s);
  CAF_CHECK_EQUAL(s->header, row({"id", "ingredients", "cuisine"}));
  CAF_CHECK_EQUAL(s->sample[0][1], R"(["salt","water"])");
  CAF_CHECK_EQUAL(s->sample[1][1], "[]");
  CAF_CHECK(infer_column("ingredients", {s->sample[0][1], s->sample[1][1]}).kind == column_kind::list);
}

CAF_TEST(json lines with nested objects are flattened one level) {
  auto text = "{\"id\": 1, \"geo\": {\"lat\": 1.5, \"lon\": 2}, \"tags\": [\"a\"]}\n"
              "{\"id\": 2, \"geo\": {\"lat\": 3}, \"tags\": [\"b\", \"c\"]}\n";
  auto s = scan_text(text, "json", nullptr);
  CAF_REQUIRE(s);
  CAF_CHECK_EQUAL(s->header, row({"id", "geo.lat", "geo.lon", "tags"}));
  CAF_CHECK_EQUAL(s->rows, 2);
  CAF_CHECK_EQUAL(s->sample[1][2], "");
  CAF_CHECK_EQUAL(s->sample[1][3], R"(["b","c"])");
}

CAF_TEST(columns whose values never repeat are reported unique) {
  scan_limits lim;
  lim.check_unique = true;
  auto s = scan_text("Id,v\n1_1_2012,0\n1_2_2012,0\n2_1_2012,0\n", "csv", nullptr, lim);
  CAF_REQUIRE(s);
  CAF_CHECK_EQUAL(s->unique.count("Id"), 1u);
  CAF_CHECK_EQUAL(s->unique.count("v"), 0u);
}

CAF_TEST(a row visitor sees the header then every row) {
  std::vector<std::string> header;
  int rows = 0;
  auto n = visit_text("a;b\n1;2\n3;4\n", "csv", ';',
                      {[&](auto& h) { header = h; }, [&](auto&) { ++rows; }});
  CAF_REQUIRE(n);
  CAF_CHECK_EQUAL(*n, 2);
  CAF_CHECK_EQUAL(rows, 2);
  CAF_CHECK_EQUAL(header, row({"a", "b"}));
}
