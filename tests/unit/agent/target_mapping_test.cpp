#define CAF_SUITE agent.target_mapping
#include "caf/test/dsl.hpp"

#include "agent/target_mapping.hpp"
#include "agent/task_inference.hpp"

using namespace kagent::agent;

namespace {

value_counts counts(std::map<std::string, int64_t> m) {
  value_counts v;
  v.counts = std::move(m);
  return v;
}

} // namespace

CAF_TEST(same named targets map directly and the id is found in test) {
  mapping_input in{{"PassengerId", "Survived"}, {"PassengerId", "Survived", "Age"},
                   {"PassengerId", "Age"}, {}, ""};
  auto m = map_targets(in);
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(m->id_column, "PassengerId");
  CAF_CHECK_EQUAL(m->test_id_column, "PassengerId");
  CAF_REQUIRE_EQUAL(m->targets.size(), 1u);
  CAF_CHECK_EQUAL(m->targets[0].train_column, "Survived");
}

CAF_TEST(a target differing in case is matched and the id may be test only) {
  mapping_input in{{"ImageId", "Label"}, {"label", "pixel0"}, {"ImageId", "pixel0"}, {}, ""};
  auto m = map_targets(in);
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(m->targets[0].train_column, "label");
  CAF_CHECK_EQUAL(m->train_id_column, "");
}

CAF_TEST(a renamed target is the column test lacks) {
  mapping_input in{{"Id", "Probability"}, {"Id", "Status", "Age"}, {"Id", "Age"},
                   {{"Status", {"good", "bad"}}}, ""};
  auto m = map_targets(in);
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(m->targets[0].submission_column, "Probability");
  CAF_CHECK_EQUAL(m->targets[0].train_column, "Status");
}

CAF_TEST(class valued submission columns become per class probabilities) {
  mapping_input in{{"id", "bus", "opel", "saab", "van"},
                   {"id", "f1", "vehicle_class"},
                   {"id", "f1"},
                   {{"vehicle_class", {"bus", "opel", "saab", "van"}}},
                   ""};
  auto m = map_targets(in);
  CAF_REQUIRE(m);
  CAF_CHECK(m->per_class);
  CAF_REQUIRE_EQUAL(m->targets.size(), 4u);
  CAF_CHECK_EQUAL(m->targets[2].class_value, "saab");
  CAF_CHECK_EQUAL(m->targets[2].train_column, "vehicle_class");
}

CAF_TEST(a submission column without a source is an error) {
  mapping_input in{{"id", "y"}, {"id", "x"}, {"id", "x"}, {}, ""};
  auto m = map_targets(in);
  CAF_CHECK(!m);
  CAF_CHECK_NOT_EQUAL(m.error().find("'y'"), std::string::npos);
}

CAF_TEST(the positive class comes from the description) {
  std::string why;
  auto desc = "## Evaluation\n\nAUC; the outcome is 1 when (`Status` = `bad`).\n";
  CAF_CHECK_EQUAL(positive_label("Probability", "Status", counts({{"good", 10}, {"bad", 5}}), desc, why),
                  "bad");
  CAF_CHECK_EQUAL(positive_label("y", "y", counts({{"0", 10}, {"1", 5}}), "", why), "1");
  CAF_CHECK_EQUAL(positive_label("y", "y", counts({{"cat", 10}, {"dog", 3}}), "", why), "dog");
}

CAF_TEST(task inference picks outputs and spellings) {
  task_input in;
  in.mapping.id_column = "id";
  in.mapping.targets = {{"Survived", "Survived", "", {}, ""}};
  in.detected = detect_metric("## Evaluation\n\naccuracy\n");
  in.train_values["Survived"] = counts({{"True", 5}, {"False", 7}});
  in.sample_values["Survived"] = counts({{"False", 10}});
  auto d = infer_task(in);
  CAF_CHECK_EQUAL(d.task, "binary_classification");
  CAF_CHECK_EQUAL(d.output, "label");
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
  CAF_CHECK(!r.notes.empty());
}
