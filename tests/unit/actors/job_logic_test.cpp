#define CAF_SUITE actors.job_logic
#include "caf/test/dsl.hpp"

#include <algorithm>
#include <cmath>

#include "actors/job_logic.hpp"
#include "core/error.hpp"

#include <caf/sec.hpp>
#include "actors/job_metadata.hpp"

using namespace kagent;

CAF_TEST(the first pending stage follows the committed ones) {
  CAF_CHECK_EQUAL(first_pending_stage({}), "analyze");
  checkpoints done{{"analyze", {}}, {"plan", {}}};
  CAF_CHECK_EQUAL(first_pending_stage(done), "generate");
  done["generate"];
  done["train"];
  CAF_CHECK_EQUAL(first_pending_stage(done), "");
}

CAF_TEST(plan gets the budget of the job or else the server default) {
  pipeline_options opts;
  opts.time_budget_s = 120;
  auto budget_arg = [](const std::vector<stage_step>& steps) {
    auto& argv = steps.at(0).argv;
    auto i = std::find(argv.begin(), argv.end(), "--time-budget");
    return i != argv.end() && i + 1 != argv.end() ? *(i + 1) : std::string{};
  };
  CAF_CHECK_EQUAL(budget_arg(steps_for("plan", opts)), "120");
  CAF_CHECK_EQUAL(budget_arg(steps_for("plan", opts, 45)), "45");
  job_metadata m;
  m.time_budget_s = 45;
  CAF_CHECK_EQUAL(parse_metadata(render_metadata(m)).time_budget_s, 45);
  CAF_CHECK(render_metadata(job_metadata{}).find("time_budget") == std::string::npos);
}

CAF_TEST(retries back off exponentially) {
  CAF_CHECK_EQUAL(retry_delay_ms(2, 1000), 1000);
  CAF_CHECK_EQUAL(retry_delay_ms(3, 1000), 2000);
  CAF_CHECK_EQUAL(retry_delay_ms(4, 1000), 4000);
}

CAF_TEST(failures retry until the attempts are used up) {
  stage_result r;
  r.exit_code = 1;
  CAF_CHECK(on_failure(r, 1, 2) == failure_action::retry);
  CAF_CHECK(on_failure(r, 2, 2) == failure_action::fail);
  r.timed_out = true;
  CAF_CHECK(on_failure(r, 1, 2) == failure_action::time_out);
  r.cancelled = true;
  CAF_CHECK(on_failure(r, 1, 2) == failure_action::cancel);
}

CAF_TEST(overall progress grows monotonically through the stages) {
  double last = -1;
  for (auto& s : all_stages())
    for (double p : {0.0, 0.5, 1.0}) {
      auto now = overall_progress(s, p);
      CAF_CHECK_GREATER_OR_EQUAL(now, last);
      last = now;
    }
  CAF_CHECK_LESS(std::abs(overall_progress("train", 1.0) - 1.0), 1e-9);
}

CAF_TEST(metadata round trips through json) {
  job_metadata m;
  m.competition = "demo";
  m.stage = "train";
  m.attempt = 2;
  m.progress = 0.5;
  apply_metrics(m, R"({"metric":"auc","chosen":"xgb","cv_score":0.91})");
  auto back = parse_metadata(render_metadata(m));
  CAF_CHECK_EQUAL(back.competition, "demo");
  CAF_CHECK_EQUAL(back.attempt, 2);
  CAF_CHECK_EQUAL(back.chosen_model, "xgb");
  CAF_CHECK(back.has_cv_score);
  CAF_CHECK_EQUAL(back.cv_score, 0.91);
  CAF_CHECK_EQUAL(parse_metadata("not json").competition, "");
}

CAF_TEST(a refused must-land write is retried after 500 ms doubling to 10 s) {
  CAF_CHECK_EQUAL(kagent::write_retry_delay_ms(1), 500);
  CAF_CHECK_EQUAL(kagent::write_retry_delay_ms(2), 1000);
  CAF_CHECK_EQUAL(kagent::write_retry_delay_ms(10), 10000);
  CAF_CHECK(kagent::write_worth_retrying(kagent::make_error(kagent::errc::db_unavailable)));
  CAF_CHECK(!kagent::write_worth_retrying(kagent::make_error(kagent::errc::not_found)));
  CAF_CHECK(kagent::write_worth_retrying(caf::make_error(caf::sec::request_timeout)));
}

CAF_TEST(a failed attempt is put in the category of its first cause) {
  using metrics::failure_category;
  auto of = [](auto set, bool missing = false) {
    stage_result r;
    set(r);
    return failure_category_of(r, missing);
  };
  CAF_CHECK(of([](stage_result& r) { r.exit_code = 3; r.error = "Traceback"; })
            == failure_category::program_error);
  CAF_CHECK(of([](stage_result& r) { r.exit_code = -1; r.signal = 9; })
            == failure_category::killed);
  CAF_CHECK(of([](stage_result& r) { r.timed_out = true; r.exit_code = -1; r.signal = 9; })
            == failure_category::timeout);
  CAF_CHECK(of([](stage_result& r) { r.unsafe_output = true; r.exit_code = 0; })
            == failure_category::unsafe_output);
  CAF_CHECK(of([](stage_result& r) { r.error = "sandbox: bwrap: cannot mount"; })
            == failure_category::sandbox);
  CAF_CHECK(of([](stage_result& r) {
              r.error = "node w1 was lost during the stage (connection lost)";
            })
            == failure_category::node_lost);
  CAF_CHECK(of([](stage_result& r) { r.error = "launcher: request_timeout"; })
            == failure_category::launcher);
  CAF_CHECK(of([](stage_result& r) { r.error = "could not commit outputs: db_unavailable"; })
            == failure_category::database);
  CAF_CHECK(of([](stage_result& r) { r.exit_code = 0; }, true)
            == failure_category::missing_output);
  CAF_CHECK(of([](stage_result& r) { r.exit_code = 0; }) == failure_category::other);
}
