#define CAF_SUITE sources.unpack_rules
#include "caf/test/dsl.hpp"

#include "sources/unpack_rules.hpp"

using namespace kagent::sources;

CAF_TEST(names inside the directory are safe) {
  for (auto ok : {"train.csv", "images/0001.png", "a/b/c.txt", "./train.csv", "dir/", "a/./b"})
    CAF_CHECK_EQUAL(unsafe_entry_reason(ok), "");
}

CAF_TEST(names that leave the directory or hide something are refused) {
  CAF_CHECK_EQUAL(unsafe_entry_reason("../x"), "escapes the directory (..)");
  CAF_CHECK_EQUAL(unsafe_entry_reason("a/../../x"), "escapes the directory (..)");
  CAF_CHECK_EQUAL(unsafe_entry_reason("/etc/passwd"), "is an absolute path");
  CAF_CHECK_EQUAL(unsafe_entry_reason("C:/x"), "starts with a drive letter");
  CAF_CHECK_EQUAL(unsafe_entry_reason("a\\..\\b"), "has a backslash in its name");
  CAF_CHECK_EQUAL(unsafe_entry_reason(std::string("a\nb")), "has a control character in its name");
  CAF_CHECK_EQUAL(unsafe_entry_reason(""), "has an empty name");
  CAF_CHECK_EQUAL(unsafe_entry_reason("a//b"), "has an empty path component");
  CAF_CHECK_EQUAL(unsafe_entry_reason("./"), "names the directory itself");
  CAF_CHECK_EQUAL(unsafe_entry_reason(std::string(300, 'x')),
                  "has a path component longer than 255 bytes");
}

CAF_TEST(components drop dots and the trailing slash) {
  CAF_CHECK_EQUAL(entry_components("a/./b.csv"), (std::vector<std::string>{"a", "b.csv"}));
  CAF_CHECK_EQUAL(entry_components("dir/"), (std::vector<std::string>{"dir"}));
}

CAF_TEST(the total limit counts the bytes written) {
  unpack_limits l;
  l.max_unpacked_bytes = 1000;
  CAF_CHECK_EQUAL(over_budget_reason(l, 900, 1000), "");
  CAF_CHECK_NOT_EQUAL(over_budget_reason(l, 900, 1001), "");
}

CAF_TEST(the ratio limit catches zip bombs above a floor) {
  unpack_limits l;
  l.max_ratio = 100;
  l.ratio_floor_bytes = 1 << 20;
  // Small archives may compress well: below the floor nothing is checked.
  CAF_CHECK_EQUAL(over_budget_reason(l, 10, 1 << 20), "");
  CAF_CHECK_EQUAL(over_budget_reason(l, 20000, 2000000), "");
  auto why = over_budget_reason(l, 10000, 2000000);
  CAF_CHECK(why.find("zip bomb") != std::string::npos);
}
