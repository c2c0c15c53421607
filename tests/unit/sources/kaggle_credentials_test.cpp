#define CAF_SUITE sources.kaggle_credentials
#include "caf/test/dsl.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "core/error.hpp"
#include "sources/download_cache.hpp"
#include "sources/kaggle_credentials.hpp"

using namespace kagent;
using namespace kagent::sources;

namespace {

struct fixture {
  std::string root;
  std::map<std::string, std::string> env;
  fixture() {
    char tmpl[] = "/tmp/kagent-creds-test-XXXXXX";
    root = mkdtemp(tmpl);
  }
  ~fixture() { remove_tree(root); }
  caf::expected<std::optional<kaggle_credentials>> load() {
    return load_kaggle_credentials([this](const char* name) -> const char* {
      auto i = env.find(name);
      return i == env.end() ? nullptr : i->second.c_str();
    });
  }
  std::string write(const std::string& dir, const std::string& text, mode_t mode = 0600) {
    mkdir(dir.c_str(), 0700);
    auto path = dir + "/kaggle.json";
    std::ofstream{path} << text;
    chmod(path.c_str(), mode);
    return path;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(kaggle_credentials_tests, fixture)

CAF_TEST(both environment variables win and the file is not read) {
  env = {{"KAGGLE_USERNAME", "envuser"}, {"KAGGLE_KEY", "envkey"}, {"KAGGLE_CONFIG_DIR", root}};
  write(root, "not json");  // would be an error if it were read
  auto c = load();
  CAF_REQUIRE(c && c->has_value());
  CAF_CHECK_EQUAL((*c)->username, "envuser");
  CAF_CHECK_EQUAL((*c)->key, "envkey");
  CAF_CHECK_EQUAL((*c)->origin, "environment");
}

CAF_TEST(with one variable only the file of KAGGLE_CONFIG_DIR is used whole) {
  env = {{"KAGGLE_USERNAME", "envuser"}, {"KAGGLE_CONFIG_DIR", root + "/conf"}};
  auto path = write(root + "/conf", R"({"username":"fileuser","key":"filekey"})");
  auto c = load();
  CAF_REQUIRE(c && c->has_value());
  CAF_CHECK_EQUAL((*c)->username, "fileuser");
  CAF_CHECK_EQUAL((*c)->key, "filekey");
  CAF_CHECK_EQUAL((*c)->origin, path);
  CAF_CHECK(!(*c)->file_readable_by_others);
}

CAF_TEST(without KAGGLE_CONFIG_DIR the file is in HOME dot kaggle) {
  env = {{"HOME", root}};
  write(root + "/.kaggle", R"({"username":"u","key":"k"})", 0644);
  auto c = load();
  CAF_REQUIRE(c && c->has_value());
  CAF_CHECK_EQUAL((*c)->origin, root + "/.kaggle/kaggle.json");
  CAF_CHECK((*c)->file_readable_by_others);  // the CLI warns about this too
}

CAF_TEST(no variables and no file mean no kaggle source) {
  env = {{"HOME", root}};
  auto c = load();
  CAF_REQUIRE(c);
  CAF_CHECK(!c->has_value());
}

CAF_TEST(a broken file is an error that does not show its content) {
  env = {{"KAGGLE_CONFIG_DIR", root}};
  write(root, R"({"username":"u","key":12345678901})");
  auto c = load();
  CAF_REQUIRE(!c);
  CAF_CHECK_EQUAL(code_of(c.error()), errc::invalid_input);
  CAF_CHECK(detail_of(c.error()).find("12345678901") == std::string::npos);
  write(root, "{not json secretvalue");
  c = load();
  CAF_REQUIRE(!c);
  CAF_CHECK(detail_of(c.error()).find("secretvalue") == std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
