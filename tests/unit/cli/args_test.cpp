#define CAF_SUITE cli.args
#include "caf/test/dsl.hpp"

#include "cli/args.hpp"

using namespace kagent::cli;

namespace {

parse_outcome parse(std::vector<std::string> args, std::string env = "") {
  return parse_args(args, env);
}

bool mentions(const parse_outcome& p, const std::string& what) {
  return p.error.find(what) != std::string::npos;
}

} // namespace

CAF_TEST(submit takes a url and an optional follow) {
  auto p = parse({"submit", "https://www.kaggle.com/competitions/titanic"});
  CAF_REQUIRE(p.ok());
  CAF_CHECK(p.opts.cmd == command::submit);
  CAF_CHECK_EQUAL(p.opts.target, "https://www.kaggle.com/competitions/titanic");
  CAF_CHECK(!p.opts.follow);
  CAF_CHECK(parse({"submit", "u", "--follow"}).opts.follow);
  CAF_CHECK(parse({"submit", "-f", "u"}).opts.follow);
}

CAF_TEST(submit takes an optional positive time budget) {
  CAF_CHECK_EQUAL(parse({"submit", "u"}).opts.time_budget_s, 0);
  CAF_CHECK_EQUAL(parse({"submit", "u", "--time-budget=45"}).opts.time_budget_s, 45);
  CAF_CHECK_EQUAL(parse({"submit", "--time-budget", "60", "u"}).opts.time_budget_s, 60);
  CAF_CHECK(mentions(parse({"submit", "u", "--time-budget=0"}), "positive number of seconds"));
  CAF_CHECK(mentions(parse({"submit", "u", "--time-budget=1m"}), "positive number of seconds"));
  CAF_CHECK(mentions(parse({"status", "id", "--time-budget=5"}), "unknown option"));
}

CAF_TEST(the server comes from the flag then the environment then the default) {
  CAF_CHECK_EQUAL(parse({"jobs"}).opts.server, default_server);
  CAF_CHECK_EQUAL(parse({"jobs"}, "http://env:1/").opts.server, "http://env:1");
  CAF_CHECK_EQUAL(parse({"--server=http://a:2", "jobs"}, "http://env:1").opts.server, "http://a:2");
  CAF_CHECK_EQUAL(parse({"jobs", "--server", "http://b:3"}).opts.server, "http://b:3");
  CAF_CHECK(mentions(parse({"--server=ftp://x", "jobs"}), "http://"));
}

CAF_TEST(status logs cancel take one job id) {
  auto s = parse({"status", "abc", "--json"});
  CAF_REQUIRE(s.ok());
  CAF_CHECK(s.opts.cmd == command::status);
  CAF_CHECK(s.opts.json);
  CAF_CHECK_EQUAL(s.opts.target, "abc");
  auto l = parse({"logs", "abc", "--follow"});
  CAF_CHECK(l.ok() && l.opts.cmd == command::logs && l.opts.follow);
  auto c = parse({"cancel", "abc"});
  CAF_CHECK(c.ok() && c.opts.cmd == command::cancel);
  CAF_CHECK(mentions(parse({"cancel"}), "missing job id"));
  CAF_CHECK(mentions(parse({"status", "a", "b"}), "unexpected argument 'b'"));
}

CAF_TEST(result takes an output file a dash or nothing and a code switch) {
  auto p = parse({"result", "abc"});
  CAF_REQUIRE(p.ok());
  CAF_CHECK(p.opts.output.empty());
  CAF_CHECK(!p.opts.code);
  CAF_CHECK_EQUAL(parse({"result", "abc", "-o", "out.csv"}).opts.output, "out.csv");
  CAF_CHECK_EQUAL(parse({"result", "abc", "-o", "-"}).opts.output, "-");
  CAF_CHECK_EQUAL(parse({"result", "--output=x.py", "abc", "--code"}).opts.output, "x.py");
  CAF_CHECK(parse({"result", "abc", "--code"}).opts.code);
  CAF_CHECK(mentions(parse({"result", "abc", "-o"}), "needs a value"));
}

CAF_TEST(jobs takes a known status and a positive limit) {
  auto p = parse({"jobs", "--status=running", "--limit", "5"});
  CAF_REQUIRE(p.ok());
  CAF_CHECK_EQUAL(p.opts.status_filter, "running");
  CAF_CHECK_EQUAL(p.opts.limit, 5);
  CAF_CHECK(mentions(parse({"jobs", "--status=done"}), "unknown status 'done'"));
  CAF_CHECK(mentions(parse({"jobs", "--limit=0"}), "positive"));
  CAF_CHECK(mentions(parse({"jobs", "--limit=-3"}), "positive"));
  CAF_CHECK(mentions(parse({"jobs", "extra"}), "unexpected argument"));
}

CAF_TEST(bad usage names the command and the way to help) {
  auto none = parse({});
  CAF_CHECK(mentions(none, "missing command"));
  CAF_CHECK(mentions(none, "kagent --help"));
  CAF_CHECK(mentions(parse({"frobnicate"}), "unknown command 'frobnicate'"));
  auto bad = parse({"status", "abc", "--follow"});
  CAF_CHECK(mentions(bad, "kagent status: unknown option '--follow'"));
  CAF_CHECK(mentions(bad, "kagent status --help"));
  CAF_CHECK(mentions(parse({"submit", "u", "--follow=yes"}), "takes no value"));
  CAF_CHECK(mentions(parse({"submit", "u", "-x"}), "unknown option '-x'"));
}

CAF_TEST(help is available everywhere and needs no arguments) {
  auto all = parse({"--help"});
  CAF_CHECK(all.ok() && all.opts.help && all.opts.cmd == command::none);
  auto one = parse({"result", "--help"});
  CAF_CHECK(one.ok() && one.opts.help && one.opts.cmd == command::result);
  auto word = parse({"help", "jobs"});
  CAF_CHECK(word.ok() && word.opts.help && word.opts.cmd == command::jobs);
  CAF_CHECK(help_text(command::result).find("--code") != std::string::npos);
  CAF_CHECK(help_text(command::none).find("Exit codes") != std::string::npos);
}

CAF_TEST(a double dash makes the rest positional) {
  auto p = parse({"status", "--", "-odd-id"});
  CAF_REQUIRE(p.ok());
  CAF_CHECK_EQUAL(p.opts.target, "-odd-id");
}

CAF_TEST(an api key may be given as a global option) {
  CAF_CHECK_EQUAL(parse({"jobs"}).opts.api_key, "");
  CAF_CHECK_EQUAL(parse({"--api-key=kag_1", "jobs"}).opts.api_key, "kag_1");
  CAF_CHECK_EQUAL(parse({"status", "id", "--api-key", "kag_2"}).opts.api_key, "kag_2");
}
