#define CAF_SUITE agent.target_mapping
#include "caf/test/dsl.hpp"

#include "agent/target_mapping.hpp"

using namespace kagent::agent;

namespace {

using strings = std::vector<std::string>;

mapping_input input(strings sample, strings train, strings test) {
  mapping_input in;
  in.sample_header = std::move(sample);
  in.train_header = std::move(train);
  in.test_header = std::move(test);
  return in;
}

sample_column_facts unique_text() { return {true, false, false}; }
sample_column_facts unique_integers() { return {true, true, true}; }
sample_column_facts unique_floats() { return {true, true, false}; }

} // namespace

CAF_TEST(same named targets map directly and the id is found in test) {
  auto m = map_targets(input({"PassengerId", "Survived"}, {"PassengerId", "Survived", "Age"},
                             {"PassengerId", "Age"}));
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(m->id_column, "PassengerId");
  CAF_CHECK_EQUAL(m->test_id_column, "PassengerId");
  CAF_CHECK_EQUAL(m->key_columns, strings({"PassengerId"}));
  CAF_REQUIRE_EQUAL(m->targets.size(), 1u);
  CAF_CHECK_EQUAL(m->targets[0].train_column, "Survived");
}

CAF_TEST(a target differing in case is matched and the id may be test only) {
  auto m = map_targets(input({"ImageId", "Label"}, {"label", "pixel0"}, {"ImageId", "pixel0"}));
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(m->targets[0].train_column, "label");
  CAF_CHECK_EQUAL(m->train_id_column, "");
}

CAF_TEST(a renamed target is the column test lacks) {
  auto in = input({"Id", "Probability"}, {"Id", "Status", "Age"}, {"Id", "Age"});
  in.train_only_values = {{"Status", {"good", "bad"}}};
  auto m = map_targets(in);
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(m->targets[0].submission_column, "Probability");
  CAF_CHECK_EQUAL(m->targets[0].train_column, "Status");
}

CAF_TEST(the target may come first and test columns are copied keys) {
  auto m = map_targets(input({"label", "date", "text"}, {"label", "date", "text", "source"},
                             {"date", "text", "source"}));
  CAF_REQUIRE(m);
  CAF_REQUIRE_EQUAL(m->targets.size(), 1u);
  CAF_CHECK_EQUAL(m->targets[0].submission_column, "label");
  CAF_CHECK_EQUAL(m->key_columns, strings({"date", "text"}));
  CAF_CHECK_EQUAL(m->id_column, "date");
}

CAF_TEST(a sample without any key keeps test order) {
  auto m = map_targets(input({"y"}, {"x", "y"}, {"x"}));
  CAF_REQUIRE(m);
  CAF_CHECK(m->key_columns.empty());
  CAF_CHECK_EQUAL(m->id_column, "");
  CAF_CHECK_EQUAL(m->targets[0].train_column, "y");
}

CAF_TEST(a unique text column in neither file is a composite key) {
  auto in = input({"Id", "Weekly_Sales"}, {"Store", "Dept", "Date", "Weekly_Sales"},
                  {"Store", "Dept", "Date"});
  in.sample_facts["Id"] = unique_text();
  auto m = map_targets(in);
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(m->key_columns, strings({"Id"}));
  CAF_CHECK_EQUAL(m->test_id_column, "");
  CAF_REQUIRE_EQUAL(m->targets.size(), 1u);
  CAF_CHECK_EQUAL(m->targets[0].train_column, "Weekly_Sales");
}

CAF_TEST(unique row numbers in neither file are a key and the renamed target still maps) {
  auto in = input({"row", "Probability"}, {"f", "Status"}, {"f"});
  in.sample_facts["row"] = unique_integers();
  auto m = map_targets(in);
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(m->key_columns, strings({"row"}));
  CAF_CHECK_EQUAL(m->targets[0].train_column, "Status");
}

CAF_TEST(an id in train only is a key when another column is the target) {
  auto in = input({"id", "y"}, {"id", "a", "y"}, {"a"});
  in.sample_facts["id"] = unique_integers();
  auto m = map_targets(in);
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(m->key_columns, strings({"id"}));
  CAF_CHECK_EQUAL(m->train_id_column, "id");
  CAF_CHECK_EQUAL(m->targets[0].train_column, "y");
}

CAF_TEST(unique random probabilities are a target not a key) {
  auto in = input({"id", "Probability"}, {"id", "Status"}, {"id"});
  in.sample_facts["Probability"] = unique_floats();
  auto m = map_targets(in);
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(m->targets[0].submission_column, "Probability");
  CAF_CHECK_EQUAL(m->targets[0].train_column, "Status");
}

CAF_TEST(class valued submission columns become per class probabilities wherever the key is) {
  auto in = input({"bus", "opel", "saab", "van", "id"}, {"id", "f1", "vehicle_class"}, {"id", "f1"});
  in.train_only_values = {{"vehicle_class", {"bus", "opel", "saab", "van"}}};
  auto m = map_targets(in);
  CAF_REQUIRE(m);
  CAF_CHECK(m->per_class);
  CAF_REQUIRE_EQUAL(m->targets.size(), 4u);
  CAF_CHECK_EQUAL(m->targets[2].class_value, "saab");
  CAF_CHECK_EQUAL(m->targets[2].train_column, "vehicle_class");
  CAF_CHECK_EQUAL(m->key_columns, strings({"id"}));
}

CAF_TEST(per class columns are matched ignoring case and leak columns are left alone) {
  auto in = input({"ID", "Adoption", "Died", "transfer"},
                  {"AnimalID", "Outcome", "OutcomeSubtype", "Sex"}, {"ID", "Sex"});
  in.train_only_values = {{"Outcome", {"Adoption", "Died", "Transfer"}},
                          {"OutcomeSubtype", {"Foster", "Partner"}}};
  auto m = map_targets(in);
  CAF_REQUIRE(m);
  CAF_CHECK(m->per_class);
  CAF_CHECK_EQUAL(m->targets[2].class_value, "Transfer");
  CAF_CHECK_EQUAL(m->targets[0].train_column, "Outcome");
}

CAF_TEST(a column without a source is copied when another column is the target) {
  auto m = map_targets(input({"id", "y", "comment"}, {"id", "x", "y"}, {"id", "x"}));
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(m->key_columns, strings({"id", "comment"}));
  CAF_REQUIRE_EQUAL(m->targets.size(), 1u);
}

CAF_TEST(a submission without any target is an error) {
  auto m = map_targets(input({"id", "y"}, {"id", "x"}, {"id", "x"}));
  CAF_CHECK(!m);
  CAF_CHECK_NOT_EQUAL(m.error().find("'y'"), std::string::npos);
  CAF_CHECK(!map_targets(input({"id", "x"}, {"id", "x"}, {"id", "x"})));
}

CAF_TEST(id like names are recognised) {
  CAF_CHECK(id_like_name("id"));
  CAF_CHECK(id_like_name("PassengerId"));
  CAF_CHECK(id_like_name("row_id"));
  CAF_CHECK(id_like_name("ID_code"));
  CAF_CHECK(!id_like_name("Paid"));
  CAF_CHECK(!id_like_name("valid"));
}
