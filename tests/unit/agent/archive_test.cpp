#define CAF_SUITE agent.archive
#include "caf/test/dsl.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include "agent/archive_reader.hpp"
#include "agent/table_reader.hpp"

using namespace kagent::agent;

namespace {

// A zip held in memory with the given (name, content) members.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& members) {
  std::vector<char> buf(1 << 20);
  size_t used = 0;
  auto* a = archive_write_new();
  archive_write_set_format_zip(a);
  archive_write_open_memory(a, buf.data(), buf.size(), &used);
  for (auto& [name, content] : members) {
    auto* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return std::string(buf.data(), used);
}

} // namespace

CAF_TEST(zip members are listed and read in memory) {
  auto zip = make_zip({{"train.csv", "id,y\n1,a\n2,b\n"}, {"test.csv", "id\n3\n"}});
  auto members = list_archive_memory(zip);
  CAF_REQUIRE(members);
  CAF_REQUIRE_EQUAL(members->size(), 2u);
  CAF_CHECK_EQUAL((*members)[0].name, "train.csv");
  auto src = open_archive_member_memory(zip, "train.csv");
  CAF_REQUIRE(src);
  auto text = read_all(**src, 1 << 20);
  CAF_REQUIRE(text);
  CAF_CHECK_EQUAL(*text, "id,y\n1,a\n2,b\n");
}

CAF_TEST(member names that escape are marked unsafe and never opened) {
  CAF_CHECK(!is_safe_member_name("../evil.csv"));
  CAF_CHECK(!is_safe_member_name("a/../../evil.csv"));
  CAF_CHECK(!is_safe_member_name("/etc/passwd"));
  CAF_CHECK(!is_safe_member_name("C:\\evil.csv"));
  CAF_CHECK(is_safe_member_name("data/train.csv"));
  CAF_CHECK(is_safe_member_name("a..b.csv"));
  auto zip = make_zip({{"../evil.csv", "x\n1\n"}, {"ok.csv", "x\n2\n"}});
  auto members = list_archive_memory(zip);
  CAF_REQUIRE(members);
  CAF_REQUIRE_EQUAL(members->size(), 2u);
  CAF_CHECK(!(*members)[0].safe);
  CAF_CHECK((*members)[1].safe);
  CAF_CHECK(!open_archive_member_memory(zip, "../evil.csv"));
  // Reading wrote nothing next to the working directory.
  CAF_CHECK_NOT_EQUAL(access("../evil.csv", F_OK), 0);
}

CAF_TEST(a missing member is an error) {
  auto zip = make_zip({{"a.csv", "x\n"}});
  CAF_CHECK(!open_archive_member_memory(zip, "b.csv"));
  CAF_CHECK(!list_archive_memory("not a zip at all"));
}

CAF_TEST(scans count rows and track values in bounded memory) {
  std::string csv = "\xEF\xBB\xBFid,name,y\r\n1,\"Smith, John\",a\r\n2,\"say \"\"hi\"\"\",b\n\n3,x,a\n";
  scan_limits lim;
  lim.sample_rows = 2;
  auto s = scan_text(csv, "csv", [](const std::string& c) { return c == "y"; }, lim);
  CAF_REQUIRE(s);
  CAF_CHECK_EQUAL(s->header.front(), "id");
  CAF_CHECK_EQUAL(s->rows, 3);
  CAF_CHECK_EQUAL(s->sample.size(), 2u);
  CAF_CHECK_EQUAL(s->sample[0][1], "Smith, John");
  CAF_CHECK_EQUAL(s->sample[1][1], "say \"hi\"");
  CAF_CHECK_EQUAL(s->distinct["y"]["a"], 2);
}

CAF_TEST(json records become a table) {
  auto s = scan_text(R"([{"id": 1, "text": "hi", "y": true}, {"id": 2, "y": false}])", "json",
                     nullptr);
  CAF_REQUIRE(s);
  CAF_CHECK_EQUAL(s->header.size(), 3u);
  CAF_CHECK_EQUAL(s->rows, 2);
  CAF_CHECK_EQUAL(s->sample[1][1], "");
  CAF_CHECK_EQUAL(s->sample[0][2], "True");
  auto lines = scan_text("{\"a\": 1}\n{\"a\": 2}\n", "json", nullptr);
  CAF_REQUIRE(lines);
  CAF_CHECK_EQUAL(lines->rows, 2);
}
