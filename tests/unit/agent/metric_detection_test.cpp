#define CAF_SUITE agent.metric_detection
#include "caf/test/dsl.hpp"

#include "agent/metric_detection.hpp"
#include "agent/metric_rules.hpp"

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

CAF_TEST(squared error paraphrases are told apart) {
  CAF_CHECK_EQUAL(metric_of("Entries are ranked by their root-mean-square error."), "rmse");
  CAF_CHECK_EQUAL(metric_of("Your score is the square root of the mean squared error."), "rmse");
  CAF_CHECK_EQUAL(metric_of("We compute the mean squared error of your forecasts."), "mse");
  CAF_CHECK_EQUAL(metric_of("Ranking uses MSE (lower wins)."), "mse");
  CAF_CHECK_EQUAL(metric_of("score = sqrt(mean((y - p)^2))"), "rmse");
  CAF_CHECK_EQUAL(metric_of("Leaderboard metric: RMSD of the predicted angles."), "rmse");
}

CAF_TEST(logs inside the error decide between rmsle and rmse of logs) {
  CAF_CHECK_EQUAL(metric_of("The score is the RMSE computed on the log of both the prediction and "
                            "the true price."), "rmse_log");
  CAF_CHECK_EQUAL(metric_of("We take the root-mean-squared-error between log(forecast) and "
                            "log(actual)."), "rmse_log");
  CAF_CHECK_EQUAL(metric_of("Scores are the root mean square log error of your counts."), "rmsle");
  CAF_CHECK_EQUAL(metric_of("We report the RMSE between log(p + 1) and log(a + 1)."), "rmsle");
  CAF_CHECK_EQUAL(metric_of("score = sqrt(1/n sum (log(p_i+1) - log(a_i+1))^2)"), "rmsle");
  CAF_CHECK_EQUAL(metric_of("score = sqrt(mean((log(p) - log(a))^2))"), "rmse_log");
  // "difference" names the error, and the logs may come many words later.
  CAF_CHECK_EQUAL(metric_of("the score is the square root of the average, over all claims, of the "
                            "squared difference between the natural log of your estimated cost "
                            "and the natural log of the settled cost."), "rmse_log");
  CAF_CHECK_EQUAL(metric_of("the square root of the mean squared difference between predicted "
                            "and observed values."), "rmse");
  // Logs mentioned before the error term are about something else.
  CAF_CHECK_EQUAL(metric_of("Sales were log scaled in the raw data; rank is by RMSE."), "rmse");
}

CAF_TEST(absolute and percentage errors each have their name) {
  CAF_CHECK_EQUAL(metric_of("Ranked by the median of the absolute errors? No: by the median "
                            "absolute error of each forecast."), "medae");
  CAF_CHECK_EQUAL(metric_of("score = median(|y_i - yhat_i|)"), "medae");
  CAF_CHECK_EQUAL(metric_of("We use a weighted mean absolute error, holidays counting more."), "wmae");
  CAF_CHECK_EQUAL(metric_of("Forecasts are judged by the Symmetric Mean Absolute Percentage Error."),
                  "smape");
  CAF_CHECK_EQUAL(metric_of("Lower mean absolute percentage error is better."), "mape");
  CAF_CHECK_EQUAL(metric_of("The leaderboard shows the average absolute error per row."), "mae");
}

CAF_TEST(correlation and determination metrics are read) {
  CAF_CHECK_EQUAL(metric_of("Your predictions are compared with the truth by Pearson's r."), "pearson");
  CAF_CHECK_EQUAL(metric_of("We compute the Spearman rank correlation of the scores."), "spearman");
  CAF_CHECK_EQUAL(metric_of("The score is the coefficient of determination of the fit."), "r2");
  CAF_CHECK_EQUAL(metric_of("Entries are ranked by R\xc2\xb2."), "r2");
  CAF_CHECK_EQUAL(metric_of("Higher R-squared wins."), "r2");
  CAF_CHECK_EQUAL(detect_metric("## Evaluation\n\nscore = 1 - sum (error^2) / variance\n").name, "");
}

CAF_TEST(classification metrics are read from their words) {
  CAF_CHECK_EQUAL(metric_of("We use the F-measure for the spam class (label 1)."), "f1");
  CAF_CHECK_EQUAL(metric_of("the harmonic mean of precision and recall"), "f1");
  CAF_CHECK_EQUAL(metric_of("We report the micro-averaged F1 over all tags."), "micro_f1");
  CAF_CHECK_EQUAL(metric_of("Scoring: F1, macro-averaged across the classes."), "macro_f1");
  CAF_CHECK_EQUAL(metric_of("Scoring uses a weighted F1-score."), "weighted_f1");
  CAF_CHECK_EQUAL(metric_of("Matthews correlation coefficient between labels and truth"), "mcc");
  CAF_CHECK_EQUAL(metric_of("Agreement is measured with Cohen's kappa, quadratically weighted."), "qwk");
  CAF_CHECK_EQUAL(metric_of("We use the Brier score of the forecast probabilities."), "brier");
  CAF_CHECK_EQUAL(metric_of("Rank is the fraction of correctly classified images."), "accuracy");
  CAF_CHECK_EQUAL(metric_of("We compute the AUROC of your scores."), "auc");
  CAF_CHECK_EQUAL(metric_of("Each submission gets the mean column-wise ROC AUC."), "mean_columnwise_auc");
  CAF_CHECK_EQUAL(metric_of("Score: the average of the individual AUCs of each predicted column."),
                  "mean_columnwise_auc");
  CAF_CHECK_EQUAL(metric_of("Negative log likelihood of the true class."), "logloss");
}

CAF_TEST(a later sentence may refine the metric but not replace it) {
  CAF_CHECK_EQUAL(metric_of("Entries are scored on the F1. It is macro averaged over the genres."),
                  "macro_f1");
  CAF_CHECK_EQUAL(metric_of("We use the root mean squared error. An RMSE of 0 would be perfect."), "rmse");
  CAF_CHECK_EQUAL(metric_of("The metric is MAE. Unlike RMSE, it is robust to outliers."), "mae");
}

CAF_TEST(map at k carries its cut off) {
  auto m = detect_metric(page("Ranked by mean average precision at 5."));
  CAF_CHECK_EQUAL(m.name, "map_at_k");
  CAF_CHECK_EQUAL(m.k, 5);
  m = detect_metric(page("The score is MAP@7 over the test users."));
  CAF_CHECK_EQUAL(m.name, "map_at_k");
  CAF_CHECK_EQUAL(m.k, 7);
  m = detect_metric(page("We use the mean average precision. You may list up to 4 guesses per row."));
  CAF_CHECK_EQUAL(m.k, 4);
}

CAF_TEST(a weighted error names its weight column and weight) {
  auto m = detect_metric(page("We score the weighted mean absolute error. Rows where `Promo` is 1 "
                              "get a weight of 3, other rows weight 1."));
  CAF_CHECK_EQUAL(m.name, "wmae");
  CAF_REQUIRE_EQUAL(m.weight_columns.size(), 1u);
  CAF_CHECK_EQUAL(m.weight_columns[0], "Promo");
  CAF_CHECK_EQUAL(m.weight_value, 3);
  m = detect_metric(page("Scored by WMAE: weeks flagged in `Festive` count 4 times."));
  CAF_CHECK_EQUAL(m.weight_value, 4);
}

CAF_TEST(confidence and source say how the metric was found) {
  auto named = detect_metric(page("We use the RMSE."));
  CAF_CHECK_EQUAL(named.source, "evaluation");
  CAF_CHECK_GREATER(named.confidence, 0.9);
  auto formula = detect_metric(page("score = median(|y - p|)"));
  CAF_CHECK_LESS(formula.confidence, named.confidence);
  auto elsewhere = detect_metric("# X\n\nThis contest is judged by the mean absolute error.\n");
  CAF_CHECK_EQUAL(elsewhere.name, "mae");
  CAF_CHECK_EQUAL(elsewhere.source, "description");
  CAF_CHECK_LESS(elsewhere.confidence, named.confidence);
  CAF_CHECK_EQUAL(detect_metric("").confidence, 0);
}

CAF_TEST(the evaluation section wins over the rest of the page) {
  // The overview mentions accuracy; the evaluation section names AUC.
  CAF_CHECK_EQUAL(metric_of("AUC between the probability and the outcome"), "auc");
}

CAF_TEST(specific phrases beat their substrings) {
  CAF_CHECK_EQUAL(metric_of("RMSLE, i.e. the root mean squared logarithmic error, not the RMSE"), "rmsle");
  CAF_CHECK_EQUAL(metric_of("mean column-wise RMSE"), "mcrmse");
  CAF_CHECK_EQUAL(metric_of("the mean columnwise root mean squared logarithmic error"), "mcrmsle");
}

CAF_TEST(short names match only as whole words) {
  CAF_CHECK_EQUAL(detect_metric("## Evaluation\n\nJudged by a panel of maestros.\n").name, "");
  CAF_CHECK_EQUAL(metric_of("Please map at most one row per id; results are private."), "map_at_k");
}

CAF_TEST(an unknown metric comes back empty) {
  CAF_CHECK_EQUAL(detect_metric("## Evaluation\n\nA secret custom score.\n").name, "");
  CAF_CHECK_EQUAL(detect_metric("").name, "");
}

CAF_TEST(sentences split at full stops and blank lines but not inside numbers) {
  auto s = sentences_of("Score is 0.5 at best. Lower\nis better.\n\n    x = 1\n");
  CAF_REQUIRE_EQUAL(s.size(), 3u);
  CAF_CHECK_EQUAL(s[0], "Score is 0.5 at best.");
  CAF_CHECK_EQUAL(s[1], "Lower is better.");
  CAF_CHECK_EQUAL(s[2], "x = 1");
}

CAF_TEST(directions and families are known) {
  CAF_CHECK(higher_is_better("auc"));
  CAF_CHECK(higher_is_better("r2"));
  CAF_CHECK(higher_is_better("map_at_k"));
  CAF_CHECK(higher_is_better("pearson"));
  CAF_CHECK(!higher_is_better("rmsle"));
  CAF_CHECK(!higher_is_better("medae"));
  CAF_CHECK(is_probability_metric("binary_logloss"));
  CAF_CHECK(is_probability_metric("brier"));
  CAF_CHECK(is_label_metric("qwk"));
  CAF_CHECK(is_label_metric("mcc"));
  CAF_CHECK(is_rank_metric("map_at_k"));
  CAF_CHECK(is_regression_metric("mcrmse"));
  CAF_CHECK(is_regression_metric("wmae"));
  CAF_CHECK(is_regression_metric("spearman"));
}
