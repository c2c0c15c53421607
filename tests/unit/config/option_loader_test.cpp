#define CAF_SUITE config.option_loader
#include "caf/test/dsl.hpp"

#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "config/option_loader.hpp"

using namespace kagent;

namespace {

// An environment of exactly these variables.
struct fake_env {
  std::map<std::string, std::string> vars;
  env_lookup lookup() const {
    return [this](const char* name) -> const char* {
      auto i = vars.find(name);
      return i == vars.end() ? nullptr : i->second.c_str();
    };
  }
};

struct fixture {
  fake_env env;
  loaded_options out;
  std::string load(const std::vector<std::string>& args) {
    out = loaded_options{};
    return load_options(args, env.lookup(), out);
  }
  std::string file(const std::string& text) {
    out = loaded_options{};
    return apply_config_text(text, "test.ini", out);
  }
};

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(option_loader_tests, fixture)

CAF_TEST(without any source every option keeps its default) {
  CAF_REQUIRE_EQUAL(load({}), "");
  CAF_CHECK_EQUAL(out.opts.http.port, 8000);
  CAF_CHECK_EQUAL(out.opts.sandbox.mode, "bwrap");
  CAF_CHECK(out.origin.empty());
}

CAF_TEST(a flag sets its member and records the flag as origin) {
  CAF_REQUIRE_EQUAL(load({"--port=9000", "--max-body=64K", "--competitions=/a:/b"}), "");
  CAF_CHECK_EQUAL(out.opts.http.port, 9000);
  CAF_CHECK_EQUAL(out.opts.http.max_body_bytes, 65536u);
  CAF_CHECK_EQUAL(out.opts.sources.mirrors, (std::vector<std::string>{"/a", "/b"}));
  CAF_CHECK_EQUAL(out.origin["port"], "flag");
}

CAF_TEST(an environment variable sets its member) {
  env.vars = {{"KAGENT_PORT", "9100"}, {"KAGENT_ROLE", "head"}, {"KAGENT_SLOTS", "7"}};
  CAF_REQUIRE_EQUAL(load({}), "");
  CAF_CHECK_EQUAL(out.opts.http.port, 9100);
  CAF_CHECK_EQUAL(out.opts.cluster.role, "head");
  CAF_CHECK_EQUAL(out.opts.cluster.slots, 7u);
  CAF_CHECK_EQUAL(out.origin["port"], "env KAGENT_PORT");
}

CAF_TEST(KAGENT_DATABASE_URL wins over DATABASE_URL) {
  env.vars = {{"DATABASE_URL", "postgresql:///a"}, {"KAGENT_DATABASE_URL", "postgresql:///b"}};
  CAF_REQUIRE_EQUAL(load({}), "");
  CAF_CHECK_EQUAL(out.opts.database.url, "postgresql:///b");
}

CAF_TEST(KAGGLE_API_ENDPOINT may be a bare host as for the kaggle CLI) {
  env.vars = {{"KAGGLE_API_ENDPOINT", "http://127.0.0.1:9/"}};
  CAF_REQUIRE_EQUAL(load({}), "");
  CAF_CHECK_EQUAL(out.opts.sources.kaggle_api_url, "http://127.0.0.1:9/api/v1");
}

CAF_TEST(a config file sets global keys and passes sections on to CAF) {
  CAF_REQUIRE_EQUAL(file("; comment\nport=9200\nhost=\"0.0.0.0\" ; trailing\n"
                         "sandbox='process'\n[scheduler]\npolicy='sharing'\n"),
                    "");
  CAF_CHECK_EQUAL(out.opts.http.port, 9200);
  CAF_CHECK_EQUAL(out.opts.http.host, "0.0.0.0");
  CAF_CHECK_EQUAL(out.opts.sandbox.mode, "process");
  CAF_CHECK_EQUAL(out.origin["port"], "file test.ini:2");
  CAF_REQUIRE_EQUAL(out.caf_settings.size(), 1u);
  CAF_CHECK_EQUAL(out.caf_settings[0].first, "scheduler.policy");
}

CAF_TEST(precedence is flag over env over file over default) {
  auto path = std::string{"/tmp/kagent-options-test-"} + std::to_string(getpid()) + ".ini";
  FILE* f = fopen(path.c_str(), "w");
  CAF_REQUIRE(f != nullptr);
  fputs("port=1001\nmax-running=3\nhttp-threads=5\n", f);
  fclose(f);
  env.vars = {{"KAGENT_PORT", "1002"}, {"KAGENT_MAX_RUNNING", "4"}};
  auto err = load({"--config-file=" + path, "--port=1003"});
  unlink(path.c_str());
  CAF_REQUIRE_EQUAL(err, "");
  CAF_CHECK_EQUAL(out.opts.http.port, 1003);           // flag over env and file
  CAF_CHECK_EQUAL(out.opts.admission.max_running, 4u); // env over file
  CAF_CHECK_EQUAL(out.opts.http.threads, 5u);          // file over default
  CAF_CHECK_EQUAL(out.opts.database.readers, 2);       // default
  CAF_CHECK_EQUAL(out.origin["http-threads"], "file " + path + ":3");
  CAF_CHECK_EQUAL(out.origin["max-running"], "env KAGENT_MAX_RUNNING");
}

CAF_TEST(a port that is not a number names the variable and the allowed range) {
  env.vars = {{"KAGENT_PORT", "abc"}};
  auto err = load({});
  CAF_CHECK(contains(err, "KAGENT_PORT"));
  CAF_CHECK(contains(err, "'abc'"));
  CAF_CHECK(contains(err, "an integer from 0 to 65535"));
}

CAF_TEST(a port out of range is refused from a flag and from a file) {
  auto err = load({"--port=70000"});
  CAF_CHECK(contains(err, "--port"));
  CAF_CHECK(contains(err, "'70000'"));
  err = file("port=70000\n");
  CAF_CHECK(contains(err, "port in test.ini:1"));
  CAF_CHECK(contains(err, "0 to 65535"));
}

CAF_TEST(trailing junk after a number is refused rather than cut off) {
  CAF_CHECK(contains(load({"--max-running=3x"}), "'3x'"));
  CAF_CHECK(contains(load({"--max-running=0"}), "from 1 to 4096"));
  CAF_CHECK(contains(load({"--max-running="}), "from 1 to 4096"));
}

CAF_TEST(byte sizes take binary suffixes and refuse unknown ones) {
  CAF_REQUIRE_EQUAL(load({"--stage-memory=2G", "--tmp-size=512MiB"}), "");
  CAF_CHECK_EQUAL(out.opts.sandbox.stage_memory_bytes, int64_t{2} << 30);
  CAF_CHECK_EQUAL(out.opts.sandbox.tmp_bytes, int64_t{512} << 20);
  CAF_CHECK(contains(load({"--stage-memory=2X"}), "suffix K, M, G or T"));
  CAF_CHECK(contains(load({"--stage-memory=1K"}), "'1K'")); // below 16 MiB
}

CAF_TEST(enumerations list what is allowed) {
  auto err = load({"--sandbox=docker"});
  CAF_CHECK(contains(err, "--sandbox"));
  CAF_CHECK(contains(err, "one of bwrap, process"));
  CAF_CHECK(contains(load({"--role=boss"}), "one of standalone, head, worker"));
  CAF_CHECK(contains(load({"--cgroup=maybe"}), "one of required, optional"));
  CAF_CHECK(contains(load({"--log-format=xml"}), "one of text, json"));
  env.vars = {{"KAGENT_SANDBOX", "docker"}};
  CAF_CHECK(contains(load({}), "KAGENT_SANDBOX"));
}

CAF_TEST(host port and url values are checked) {
  CAF_CHECK(contains(load({"--join=head"}), "HOST:PORT"));
  CAF_CHECK(contains(load({"--join=head:0"}), "HOST:PORT"));
  CAF_CHECK_EQUAL(load({"--join=head:4242"}), "");
  CAF_CHECK(contains(load({"--kaggle-api-url=ftp://x"}), "http:// or https://"));
  CAF_CHECK(contains(load({"--llm-url=localhost:8080"}), "http:// or https://"));
}

CAF_TEST(an unknown key in a file names the file and line) {
  auto err = file("port=1\nno-such-key=2\n");
  CAF_CHECK(contains(err, "test.ini:2"));
  CAF_CHECK(contains(err, "no-such-key"));
  CAF_CHECK(contains(file("port\n"), "key=value"));
  CAF_CHECK(contains(file("host=\"open\n"), "host"));
}

CAF_TEST(an unknown flag or a positional argument is an error) {
  CAF_CHECK(contains(load({"--no-such-flag=1"}), "unknown option --no-such-flag"));
  CAF_CHECK(contains(load({"foo"}), "unknown command 'foo'"));
  CAF_CHECK(contains(load({"--port"}), "--port needs a value"));
  CAF_CHECK(contains(load({"-x"}), "unknown option -x"));
  CAF_CHECK(contains(load({"--port=1", "keys"}), "the keys command comes first"));
}

CAF_TEST(help and print config are actions) {
  CAF_CHECK_EQUAL(load({"--help", "--port=junk"}), "");
  CAF_CHECK(out.action == option_action::help);
  CAF_CHECK_EQUAL(load({"--print-config", "--port=1"}), "");
  CAF_CHECK(out.action == option_action::print_config);
  CAF_CHECK_EQUAL(out.opts.http.port, 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
