#include "agent/profile.hpp"

#include "agent/json_io.hpp"

namespace kagent::agent {

namespace {

using alloc_t = rapidjson::Document::AllocatorType;

rapidjson::Value file_json(const data_file& f, int64_t rows, alloc_t& a) {
  rapidjson::Value v(rapidjson::kObjectType);
  v.AddMember("path", json_string(f.path, a), a);
  v.AddMember("member", f.member.empty() ? rapidjson::Value() : json_string(f.member, a), a);
  v.AddMember("format", json_string(f.format, a), a);
  v.AddMember("sep", f.sep.empty() ? rapidjson::Value() : json_string(f.sep, a), a);
  v.AddMember("bytes", f.bytes, a);
  v.AddMember("rows", rows, a);
  return v;
}

rapidjson::Value files_json(const profile& p, alloc_t& a) {
  rapidjson::Value files(rapidjson::kObjectType);
  int64_t train_cols = 0, test_cols = 0;
  for (auto& c : p.columns) {
    train_cols += c.in_train;
    test_cols += c.in_test;
  }
  auto train = file_json(p.files.train, p.train_rows, a);
  train.AddMember("columns", train_cols, a);
  files.AddMember("train", train, a);
  auto test = file_json(p.files.test, p.test_rows, a);
  test.AddMember("columns", test_cols, a);
  files.AddMember("test", test, a);
  auto sample = file_json(p.files.sample_submission, p.sample_rows, a);
  sample.AddMember("columns", static_cast<int64_t>(p.header.size()), a);
  files.AddMember("sample_submission", sample, a);
  files.AddMember("test_inside_train", p.files.test_inside_train, a);
  rapidjson::Value aux(rapidjson::kArrayType);
  for (auto& t : p.files.auxiliary) {
    auto v = file_json(t.file, t.rows, a);
    v.AddMember("columns", json_strings(t.header, a), a);
    aux.PushBack(v, a);
  }
  files.AddMember("auxiliary", aux, a);
  return files;
}

rapidjson::Value metric_json(const profile& p, alloc_t& a) {
  auto& m = p.task.metric;
  rapidjson::Value metric(rapidjson::kObjectType);
  metric.AddMember("name", json_string(m.name, a), a);
  metric.AddMember("higher_is_better", m.higher_is_better, a);
  metric.AddMember("source", json_string(p.task.metric_source, a), a);
  metric.AddMember("phrase", json_string(m.phrase, a), a);
  metric.AddMember("confidence", m.confidence, a);
  if (m.k > 0)
    metric.AddMember("k", m.k, a);
  if (!p.weights.column.empty()) {
    rapidjson::Value w(rapidjson::kObjectType);
    w.AddMember("column", json_string(p.weights.column, a), a);
    if (p.weights.value > 0)
      w.AddMember("value", p.weights.value, a);
    metric.AddMember("weights", w, a);
  }
  return metric;
}

rapidjson::Value targets_json(const profile& p, alloc_t& a) {
  rapidjson::Value targets(rapidjson::kArrayType);
  for (auto& t : p.task.targets) {
    rapidjson::Value v(rapidjson::kObjectType);
    v.AddMember("submission_column", json_string(t.submission_column, a), a);
    v.AddMember("train_column", json_string(t.train_column, a), a);
    if (!t.class_value.empty())
      v.AddMember("class_value", json_string(t.class_value, a), a);
    if (!t.classes.empty())
      v.AddMember("classes", json_strings(t.classes, a), a);
    if (!t.positive_label.empty())
      v.AddMember("positive_label", json_string(t.positive_label, a), a);
    if (!t.labels.empty())
      v.AddMember("labels", json_strings(t.labels, a), a);
    targets.PushBack(v, a);
  }
  return targets;
}

rapidjson::Value submission_json(const profile& p, alloc_t& a) {
  rapidjson::Value sub(rapidjson::kObjectType);
  sub.AddMember("header", json_strings(p.header, a), a);
  sub.AddMember("output", json_string(p.task.output, a), a);
  sub.AddMember("per_class_columns", p.mapping.per_class, a);
  sub.AddMember("key_columns", json_strings(p.mapping.key_columns, a), a);
  sub.AddMember("id_order", rapidjson::StringRef(p.mapping.key_columns.empty() ? "test" : "sample_submission"), a);
  sub.AddMember("rows", p.sample_rows, a);
  rapidjson::Value spelling(rapidjson::kObjectType);
  for (auto& [k, v] : p.task.label_spelling)
    spelling.AddMember(json_string(k, a), json_string(v, a), a);
  sub.AddMember("label_spelling", spelling, a);
  // Labels as the submission must write them (validate checks against these).
  std::vector<std::string> labels;
  if (!p.task.targets.empty())
    labels = p.task.targets.front().labels;
  sub.AddMember("labels", json_strings(labels, a), a);
  return sub;
}

} // namespace

rapidjson::Document to_json(const profile& p) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("competition", json_string(p.competition, a), a);
  if (!p.fallback.empty())
    d.AddMember("fallback", json_string(p.fallback, a), a);
  d.AddMember("files", files_json(p, a), a);
  d.AddMember("task", json_string(p.task.task, a), a);
  d.AddMember("metric", metric_json(p, a), a);
  d.AddMember("id_column", json_string(p.mapping.id_column, a), a);
  d.AddMember("test_id_column", json_string(p.mapping.test_id_column, a), a);
  d.AddMember("train_id_column", json_string(p.mapping.train_id_column, a), a);
  d.AddMember("targets", targets_json(p, a), a);
  d.AddMember("submission", submission_json(p, a), a);
  rapidjson::Value cols(rapidjson::kArrayType);
  std::vector<std::string> features;
  for (auto& c : p.columns) {
    rapidjson::Value v(rapidjson::kObjectType);
    v.AddMember("name", json_string(c.name, a), a);
    v.AddMember("kind", rapidjson::StringRef(to_string(c.stats.kind)), a);
    v.AddMember("role", json_string(c.role, a), a);
    v.AddMember("missing_share", c.stats.missing_share, a);
    v.AddMember("distinct_in_sample", static_cast<uint64_t>(c.stats.distinct), a);
    v.AddMember("mean_length", c.stats.mean_length, a);
    v.AddMember("in_train", c.in_train, a);
    v.AddMember("in_test", c.in_test, a);
    cols.PushBack(v, a);
    if (c.role == "feature")
      features.push_back(c.name);
  }
  d.AddMember("columns", cols, a);
  d.AddMember("features", json_strings(features, a), a);
  d.AddMember("has_description", p.has_description, a);
  std::vector<std::string> notes = p.files.notes;
  notes.insert(notes.end(), p.notes.begin(), p.notes.end());
  notes.insert(notes.end(), p.mapping.notes.begin(), p.mapping.notes.end());
  notes.insert(notes.end(), p.task.notes.begin(), p.task.notes.end());
  d.AddMember("notes", json_strings(notes, a), a);
  return d;
}

} // namespace kagent::agent
