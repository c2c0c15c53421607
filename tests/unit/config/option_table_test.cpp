#define CAF_SUITE config.option_table
#include "caf/test/dsl.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "config/option_docs.hpp"
#include "config/option_table.hpp"

using namespace kagent;

namespace {

std::string read_source_file(const std::string& relative) {
  std::ifstream in{std::string{KAGENT_SOURCE_DIR} + "/" + relative};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

const char* no_env(const char*) {
  return nullptr;
}

} // namespace

CAF_TEST(every option has a unique name help text and a metavar) {
  std::set<std::string> names, vars;
  for (auto& s : option_table()) {
    CAF_CHECK(names.insert(s.name).second);
    CAF_CHECK(!s.help.empty());
    CAF_CHECK(!s.metavar.empty());
    CAF_CHECK(s.store != nullptr);
    CAF_CHECK(s.load != nullptr);
    for (auto& e : s.env)
      CAF_CHECK(vars.insert(e).second);
  }
  CAF_CHECK_GREATER(names.size(), 60u);
}

CAF_TEST(every default is allowed by its own row) {
  kagentd_options defaults;
  for (auto& s : option_table()) {
    auto v = s.load(defaults);
    if (s.kind == option_kind::list || (v.empty() && !s.default_note.empty()))
      continue;
    CAF_CHECK_EQUAL(check_option_value(s, v), "");
    if (!check_option_value(s, v).empty())
      CAF_MESSAGE("default of " << s.name << ": " << v);
  }
}

CAF_TEST(storing a value and loading it gives it back) {
  kagentd_options o;
  find_option("port")->store(o, "1234");
  CAF_CHECK_EQUAL(find_option("port")->load(o), "1234");
  find_option("allowed-hosts")->store(o, "a,b");
  CAF_CHECK_EQUAL(find_option("allowed-hosts")->load(o), "a,b");
  find_option("kill-grace")->store(o, "2000");
  CAF_CHECK_EQUAL(o.sandbox.kill_grace_ms, 2000);
}

CAF_TEST(the limits that had no option have one now) {
  for (auto name : {"request-timeout", "kill-grace", "retry-backoff", "file-limit", "process-limit",
                    "pg-bin", "bwrap", "log-format"})
    CAF_CHECK(find_option(name) != nullptr);
}

CAF_TEST(integers are whole numbers and sizes take binary suffixes) {
  int64_t n = 0;
  CAF_CHECK(parse_integer("-12", n) && n == -12);
  CAF_CHECK(!parse_integer("12abc", n));
  CAF_CHECK(!parse_integer("", n));
  CAF_CHECK(!parse_integer("99999999999999999999", n));
  CAF_CHECK(parse_byte_size("8G", n) && n == (int64_t{8} << 30));
  CAF_CHECK(parse_byte_size("64KiB", n) && n == 65536);
  CAF_CHECK(parse_byte_size("100", n) && n == 100);
  CAF_CHECK(!parse_byte_size("8Q", n));
  CAF_CHECK(!parse_byte_size("-1", n));
  CAF_CHECK(!parse_byte_size("99999999T", n));
}

CAF_TEST(passwords are masked in urls and keyword strings) {
  CAF_CHECK_EQUAL(mask_credentials("postgresql://kagent:s3cret@db:5432/kagent"),
                  "postgresql://kagent:****@db:5432/kagent");
  CAF_CHECK_EQUAL(mask_credentials("host=db user=k password=s3cret dbname=x"),
                  "host=db user=k password=**** dbname=x");
  CAF_CHECK_EQUAL(mask_credentials("host=db password = 'a b' port=1"),
                  "host=db password = **** port=1");
  CAF_CHECK_EQUAL(mask_credentials("postgresql:///k?password=s3cret&sslmode=off"),
                  "postgresql:///k?password=****&sslmode=off");
  CAF_CHECK_EQUAL(mask_credentials("postgresql://kagent@db/k"), "postgresql://kagent@db/k");
}

CAF_TEST(print config shows every option with its origin and masks secrets) {
  loaded_options l;
  l.opts.database.url = "postgresql://kagent:s3cret@db/kagent";
  l.opts.pipeline.llm.url = "https://user:token@llm.example/v1";
  l.origin["database-url"] = "env DATABASE_URL";
  auto env = [](const char* name) -> const char* {
    return std::string{name} == "OPENAI_API_KEY" ? "sk-very-secret" : nullptr;
  };
  auto text = effective_config(l, env);
  CAF_CHECK(!contains(text, "s3cret"));
  CAF_CHECK(!contains(text, "token@"));
  CAF_CHECK(!contains(text, "sk-very-secret"));
  CAF_CHECK(
      contains(text, "database-url=\"postgresql://kagent:****@db/kagent\"  ; env DATABASE_URL"));
  CAF_CHECK(contains(text, "port=8000  ; default"));
  CAF_CHECK(contains(text, "OPENAI_API_KEY=**** (set)"));
  for (auto& s : option_table())
    CAF_CHECK(contains(text, "\n" + s.name + "="));
}

CAF_TEST(help lists every option with its environment variables) {
  auto text = help_text();
  for (auto& s : option_table()) {
    CAF_CHECK(contains(text, "--" + s.name + "="));
    for (auto& e : s.env)
      CAF_CHECK(contains(text, e));
  }
}

CAF_TEST(docs OPTIONS md is what the table generates) {
  auto same = read_source_file("docs/OPTIONS.md") == options_markdown();
  if (!same)
    CAF_MESSAGE("docs/OPTIONS.md is stale: build/kagentd --help-markdown > docs/OPTIONS.md");
  CAF_CHECK(same);
}

CAF_TEST(the example config file is what the table generates and loads) {
  auto text = read_source_file("config/kagentd.example.ini");
  auto same = text == example_ini();
  if (!same)
    CAF_MESSAGE("config/kagentd.example.ini is stale: "
                "build/kagentd --help-ini > config/kagentd.example.ini");
  CAF_CHECK(same);
  loaded_options l;
  CAF_CHECK_EQUAL(apply_config_text(example_ini(), "example", l), "");
  (void)no_env;
}
