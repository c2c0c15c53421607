#define CAF_SUITE job_metadata
#include "caf/test/dsl.hpp"

#include "actors/job_metadata.hpp"

using namespace kagent;

CAF_TEST(metrics json gives the model the score and the self check verdict) {
  job_metadata m;
  apply_metrics(m, R"({"metric":"auc","chosen":"hgb","cv_score":0.8,
    "self_check":{"verdict":"near_trivial","message":"within 5% of a constant"}})");
  CAF_CHECK_EQUAL(m.chosen_model, "hgb");
  CAF_CHECK_EQUAL(m.self_check, "near_trivial");
  CAF_CHECK_EQUAL(m.warning, "within 5% of a constant");
  auto back = parse_metadata(render_metadata(m));
  CAF_CHECK_EQUAL(back.self_check, "near_trivial");
  CAF_CHECK_EQUAL(back.warning, "within 5% of a constant");
}

CAF_TEST(an ok verdict carries no warning) {
  job_metadata m;
  apply_metrics(m, R"({"chosen":"hgb","self_check":{"verdict":"ok","message":"ignored"}})");
  CAF_CHECK_EQUAL(m.self_check, "ok");
  CAF_CHECK(m.warning.empty());
}

CAF_TEST(strings written by a stage are bounded) {
  job_metadata m;
  std::string huge(100000, 'x');
  apply_metrics(m, R"({"chosen":")" + huge + R"("})");
  CAF_CHECK_LESS_OR_EQUAL(m.chosen_model.size(), 500u);
}

// metrics.json is written by the stage (untrusted, up to --max-output bytes):
// a file of nested brackets leaves the metadata as it was instead of
// overflowing kagentd's stack in a recursive parse.
CAF_TEST(a deeply nested metrics json is ignored without recursion) {
  job_metadata m;
  m.chosen_model = "before";
  apply_metrics(m, std::string(4000000, '['));
  CAF_CHECK_EQUAL(m.chosen_model, "before");
}
