#define CAF_SUITE sources.competition_info
#include "caf/test/dsl.hpp"

#include "agent/metric_detection.hpp"
#include "sources/competition_info.hpp"

using namespace kagent::sources;

namespace {

const char* listing = R"([
  {"ref":"https://www.kaggle.com/competitions/titanic-extra","title":"Other","url":"https://www.kaggle.com/competitions/titanic-extra","description":"no","evaluationMetric":"RMSE"},
  {"ref":"https://www.kaggle.com/competitions/titanic","title":"Titanic - Machine Learning from Disaster","url":"https://www.kaggle.com/competitions/titanic","description":"Start here!\nPredict survival.","evaluationMetric":"Categorization Accuracy","teamCount":15000}
])";

std::string detected(const std::string& metric) {
  competition_info info;
  info.slug = "x";
  info.title = "X";
  info.evaluation_metric = metric;
  return kagent::agent::detect_metric(render_description_md(info)).name;
}

} // namespace

CAF_TEST(the listing entry is found by its ref or url and not by a prefix) {
  auto info = find_competition_in_list(listing, "titanic");
  CAF_REQUIRE(info.has_value());
  CAF_CHECK_EQUAL(info->title, "Titanic - Machine Learning from Disaster");
  CAF_CHECK_EQUAL(info->evaluation_metric, "Categorization Accuracy");
  CAF_CHECK_EQUAL(info->description, "Start here! Predict survival.");
  CAF_CHECK(!find_competition_in_list(listing, "titan").has_value());
  CAF_CHECK(find_competition_in_list(R"([{"ref":"iris","title":"Iris"}])", "iris").has_value());
  CAF_CHECK(find_competition_in_list(R"([{"ref":"x","url":"https://www.kaggle.com/c/iris"}])", "iris"));
  CAF_CHECK(!find_competition_in_list("{\"code\":401}", "iris").has_value());
  CAF_CHECK(!find_competition_in_list("not json", "iris").has_value());
}

CAF_TEST(description md has the url title overview and evaluation) {
  auto info = *find_competition_in_list(listing, "titanic");
  auto md = render_description_md(info);
  CAF_CHECK_EQUAL(md.rfind("https://www.kaggle.com/competitions/titanic\n\n# Titanic", 0), 0u);
  CAF_CHECK(md.find("## Overview\n\nStart here! Predict survival.") != std::string::npos);
  CAF_CHECK(md.find("## Evaluation\n\nSubmissions are evaluated on Categorization Accuracy.")
            != std::string::npos);
}

CAF_TEST(the metric names kaggle lists are detected from the written description) {
  CAF_CHECK_EQUAL(detected("Categorization Accuracy"), "accuracy");
  CAF_CHECK_EQUAL(detected("Root Mean Squared Error"), "rmse");
  CAF_CHECK_EQUAL(detected("Mean Absolute Error"), "mae");
  CAF_CHECK_EQUAL(detected("Area Under Receiver Operating Characteristic Curve"), "auc");
  CAF_CHECK_EQUAL(detected("Log Loss"), "logloss");
  CAF_CHECK_EQUAL(detected("Root Mean Squared Logarithmic Error"), "rmsle");
  CAF_CHECK_EQUAL(detected("Quadratic Weighted Kappa"), "qwk");
}

CAF_TEST(a heading cannot be smuggled in through a field) {
  competition_info info;
  info.slug = "x";
  info.title = "T\n## Evaluation\nmetric is rmse";
  auto md = render_description_md(info);
  CAF_CHECK(md.find("\n## Evaluation") == std::string::npos);
}
