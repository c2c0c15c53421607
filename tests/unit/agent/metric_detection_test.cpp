#define CAF_SUITE agent.metric_detection
#include "caf/test/dsl.hpp"

#include "agent/metric_detection.hpp"

using namespace kagent::agent;

namespace {

std::string page(const std::string& evaluation) {
  return "https://www.kaggle.com/competitions/x\n\n# X\n\n## Overview\n\nPredict accuracy of "
         "things.\n\n## Evaluation\n\n" + evaluation + "\n\n## Submission File\n\nid,y\n";
}

std::string metric_of(const std::string& evaluation) {
  return detect_metric(page(evaluation)).name;
}

} // namespace

CAF_TEST(each metric is recognised from its usual wording) {
  CAF_CHECK_EQUAL(metric_of("Submissions are evaluated on **accuracy**."), "accuracy");
  CAF_CHECK_EQUAL(metric_of("evaluated on the area under the ROC curve"), "auc");
  CAF_CHECK_EQUAL(metric_of("We use the multi-class logarithmic loss."), "logloss");
  CAF_CHECK_EQUAL(metric_of("evaluated with the log loss (binary cross-entropy)"), "logloss");
  CAF_CHECK_EQUAL(metric_of("scored on the root mean squared error (RMSE)"), "rmse");
  CAF_CHECK_EQUAL(metric_of("the Root Mean Squared Logarithmic Error"), "rmsle");
  CAF_CHECK_EQUAL(metric_of("root mean squared error between the logarithm of the predicted "
                            "value and the logarithm of the observed value"), "rmse_log");
  CAF_CHECK_EQUAL(metric_of("Mean Absolute Error (MAE) between prediction and truth"), "mae");
  CAF_CHECK_EQUAL(metric_of("evaluated on the F1 score"), "f1");
  CAF_CHECK_EQUAL(metric_of("evaluated on the macro F1 score"), "macro_f1");
  CAF_CHECK_EQUAL(metric_of("scored by the quadratic weighted kappa"), "qwk");
  CAF_CHECK_EQUAL(metric_of("MCRMSE, the mean column-wise root mean squared error"), "mcrmse");
}

CAF_TEST(the evaluation section wins over the rest of the page) {
  // The overview mentions accuracy; the evaluation section names AUC.
  CAF_CHECK_EQUAL(metric_of("AUC between the probability and the outcome"), "auc");
}

CAF_TEST(specific phrases beat their substrings) {
  CAF_CHECK_EQUAL(metric_of("RMSLE, i.e. the root mean squared logarithmic error, not the RMSE"), "rmsle");
  CAF_CHECK_EQUAL(metric_of("mean column-wise RMSE"), "mcrmse");
}

CAF_TEST(short names match only as whole words) {
  CAF_CHECK_EQUAL(detect_metric("## Evaluation\n\nJudged by a panel of maestros.\n").name, "");
}

CAF_TEST(an unknown metric comes back empty) {
  CAF_CHECK_EQUAL(detect_metric("## Evaluation\n\nA secret custom score.\n").name, "");
  CAF_CHECK_EQUAL(detect_metric("").name, "");
}

CAF_TEST(directions and families are known) {
  CAF_CHECK(higher_is_better("auc"));
  CAF_CHECK(!higher_is_better("rmsle"));
  CAF_CHECK(is_probability_metric("binary_logloss"));
  CAF_CHECK(is_label_metric("qwk"));
  CAF_CHECK(is_regression_metric("mcrmse"));
}
