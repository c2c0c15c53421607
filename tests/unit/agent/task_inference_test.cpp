#define CAF_SUITE agent.task_inference
#include "caf/test/dsl.hpp"

#include "agent/task_inference.hpp"

using namespace kagent::agent;

namespace {

using strings = std::vector<std::string>;

value_counts counts(std::map<std::string, int64_t> m) {
  value_counts v;
  v.counts = std::move(m);
  return v;
}

task_input one_target(const std::string& column, const std::string& evaluation) {
  task_input in;
  in.mapping.id_column = "id";
  in.mapping.key_columns = {"id"};
  in.mapping.targets = {{column, column, "", {}, "", {}}};
  in.detected = detect_metric("## Evaluation\n\n" + evaluation + "\n");
  return in;
}

} // namespace

CAF_TEST(the positive class comes from the description) {
  std::string why;
  auto desc = "## Evaluation\n\nAUC; the outcome is 1 when (`Status` = `bad`).\n";
  CAF_CHECK_EQUAL(positive_label("Probability", "Status", counts({{"good", 10}, {"bad", 5}}), desc, why),
                  "bad");
  CAF_CHECK_EQUAL(positive_label("y", "y", counts({{"0", 10}, {"1", 5}}), "", why), "1");
  CAF_CHECK_EQUAL(positive_label("y", "y", counts({{"0.0", 10}, {"1.0", 5}}), "", why), "1.0");
  CAF_CHECK_EQUAL(positive_label("y", "y", counts({{"cat", 10}, {"dog", 3}}), "", why), "dog");
}

CAF_TEST(task inference picks outputs and spellings) {
  auto in = one_target("Survived", "accuracy");
  in.train_values["Survived"] = counts({{"True", 5}, {"False", 7}});
  in.sample_values["Survived"] = counts({{"False", 10}});
  auto d = infer_task(in);
  CAF_CHECK_EQUAL(d.task, "binary_classification");
  CAF_CHECK_EQUAL(d.output, "label");
  CAF_CHECK_EQUAL(d.targets[0].labels, strings({"False", "True"}));
  CAF_CHECK_EQUAL(d.metric_source, "evaluation");
  // Binary log loss and an unknown metric falling back with a note.
  in.detected = detect_metric("## Evaluation\n\nlog loss\n");
  CAF_CHECK_EQUAL(infer_task(in).metric.name, "binary_logloss");
  in.detected = {};
  in.train_values["Survived"] = counts({{"1.5", 1}, {"2.25", 1}, {"3.75", 1}});
  in.train_values["Survived"].overflowed = true;
  auto r = infer_task(in);
  CAF_CHECK_EQUAL(r.task, "regression");
  CAF_CHECK_EQUAL(r.metric.name, "rmse");
  CAF_CHECK_EQUAL(r.metric_source, "default");
  CAF_CHECK_EQUAL(r.metric.confidence, 0);
  CAF_CHECK(!r.notes.empty());
}

CAF_TEST(map at k is classification with ranked label lists of first labels) {
  auto in = one_target("prognosis", "Mean Average Precision @ 3");
  in.train_values["prognosis"] = counts({{"Dengue Zika", 4}, {"Zika", 2}, {"Plague Dengue Lyme", 1}});
  in.sample_values["prognosis"] = counts({{"Dengue Zika Plague", 9}});
  auto d = infer_task(in);
  CAF_CHECK_EQUAL(d.task, "multiclass_classification");
  CAF_CHECK_EQUAL(d.output, "label_list");
  CAF_CHECK_EQUAL(d.metric.k, 3);
  CAF_CHECK_EQUAL(d.targets[0].classes, strings({"Dengue", "Plague", "Zika"}));
  // A label that is never first may still be listed.
  CAF_CHECK_EQUAL(d.targets[0].labels, strings({"Dengue", "Plague", "Zika", "Lyme"}));
}

CAF_TEST(whole numbers written with a decimal point are classes under a classification metric) {
  auto in = one_target("target", "F1 score of the positive class");
  in.train_values["target"] = counts({{"0.0", 80}, {"1.0", 20}});
  in.sample_values["target"] = counts({{"0", 10}});
  auto d = infer_task(in);
  CAF_CHECK_EQUAL(d.task, "binary_classification");
  CAF_CHECK_EQUAL(d.metric.name, "f1");
  CAF_CHECK_EQUAL(d.output, "label");
  CAF_CHECK_EQUAL(d.targets[0].labels, strings({"0", "1"}));
  CAF_CHECK_EQUAL(d.label_spelling["1.0"], "1");
}

CAF_TEST(many integer classes stay classes under accuracy) {
  auto in = one_target("digit", "accuracy");
  std::map<std::string, int64_t> m;
  for (int i = 0; i < 40; ++i)
    m[std::to_string(i)] = 3;
  in.train_values["digit"] = counts(m);
  auto d = infer_task(in);
  CAF_CHECK_EQUAL(d.task, "multiclass_classification");
  CAF_CHECK_EQUAL(d.targets[0].classes.size(), 40u);
}

CAF_TEST(a classification metric on a continuous target falls back to regression) {
  auto in = one_target("y", "accuracy");
  in.train_values["y"] = counts({{"0.5", 1}, {"1.25", 1}});
  auto d = infer_task(in);
  CAF_CHECK_EQUAL(d.task, "regression");
  CAF_CHECK_EQUAL(d.metric_source, "default");
}

CAF_TEST(the new regression metrics make regression tasks with their direction) {
  for (auto [phrase, name, higher] : std::vector<std::tuple<const char*, const char*, bool>>{
         {"Pearson correlation", "pearson", true}, {"coefficient of determination", "r2", true},
         {"median absolute error", "medae", false}, {"weighted mean absolute error", "wmae", false},
         {"SMAPE", "smape", false}, {"mean squared error", "mse", false}}) {
    auto in = one_target("score", phrase);
    in.train_values["score"] = counts({{"0", 5}, {"0.25", 5}, {"0.5", 3}, {"1", 1}});
    auto d = infer_task(in);
    CAF_CHECK_EQUAL(d.task, "regression");
    CAF_CHECK_EQUAL(d.metric.name, name);
    CAF_CHECK_EQUAL(d.metric.higher_is_better, higher);
    CAF_CHECK_EQUAL(d.output, "value");
  }
}

CAF_TEST(a mapping without targets gives an unknown task) {
  task_input in;
  auto d = infer_task(in);
  CAF_CHECK_EQUAL(d.task, "unknown");
}
