#include "agent/plan.hpp"

#include <cstdint>
#include <map>

#include "agent/json_io.hpp"

namespace kagent::agent {

namespace {

using alloc_t = rapidjson::Document::AllocatorType;

rapidjson::Value candidate(const std::string& name, const std::string& model,
                           const std::string& features, const std::string& why, alloc_t& a) {
  rapidjson::Value c(rapidjson::kObjectType);
  c.AddMember("name", json_string(name, a), a);
  c.AddMember("model", json_string(model, a), a);
  c.AddMember("features", json_string(features, a), a);
  c.AddMember("why", json_string(why, a), a);
  return c;
}

int64_t int_at(const rapidjson::Value& v, const char* obj, const char* key) {
  if (!v.HasMember(obj) || !v[obj].IsObject() || !v[obj].HasMember(key))
    return 0;
  auto& x = v[obj][key];
  if (x.IsObject() && x.HasMember("rows") && x["rows"].IsInt64())
    return x["rows"].GetInt64();
  return x.IsInt64() ? x.GetInt64() : 0;
}

} // namespace

rapidjson::Document rules_plan(const rapidjson::Value& prof, const plan_options& opts) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  auto task = get_string(prof, "task");
  std::string metric = prof.HasMember("metric") ? get_string(prof["metric"], "name") : "";
  std::string output = prof.HasMember("submission") ? get_string(prof["submission"], "output") : "";
  bool classification = task.find("classification") != std::string::npos;
  int64_t rows = int_at(prof, "files", "train");
  std::vector<std::string> notes;

  // Features per column kind.
  std::map<std::string, std::vector<std::string>> by_kind;
  if (prof.HasMember("columns") && prof["columns"].IsArray())
    for (auto& c : prof["columns"].GetArray())
      if (get_string(c, "role") == "feature")
        by_kind[get_string(c, "kind")].push_back(get_string(c, "name"));
  rapidjson::Value features(rapidjson::kObjectType);
  for (auto kind : {"numeric", "categorical", "datetime", "text"})
    features.AddMember(rapidjson::StringRef(kind), json_strings(by_kind[kind], a), a);
  rapidjson::Value treatment(rapidjson::kObjectType);
  treatment.AddMember("numeric", "median imputation (+ missing indicators and scaling for linear models)", a);
  treatment.AddMember("categorical", "native categories for boosting (ordinal codes past 250 levels), one-hot with rare levels merged for linear models", a);
  treatment.AddMember("datetime", "day count, year, month, day, weekday, day of year (and hour when timed)", a);
  treatment.AddMember("text", "TF-IDF word 1-2 grams and char 2-4 grams for the text candidate; length and word count elsewhere", a);

  // Candidates, most promising first: the time budget cuts from the end.
  bool has_text = !by_kind["text"].empty();
  size_t n_numeric = by_kind["numeric"].size() + by_kind["datetime"].size();
  size_t n_categorical = by_kind["categorical"].size();
  rapidjson::Value cands(rapidjson::kArrayType);
  cands.PushBack(candidate("linear", classification ? "logistic_regression" : "ridge",
                           "onehot_scaled", "strong on small and linear data, fast", a), a);
  cands.PushBack(candidate("hist_gradient_boosting", "hist_gradient_boosting", "native",
                           "strong default for mixed tabular data", a), a);
  if (has_text)
    cands.PushBack(candidate("tfidf_linear", classification ? "logistic_regression" : "ridge",
                             "onehot_scaled+tfidf", "free-text columns present", a), a);
  if (rows <= 200000)
    cands.PushBack(candidate("xgboost", "xgboost", "ordinal", "second boosting flavour for the blend", a), a);
  if (rows <= 50000)
    cands.PushBack(candidate("extra_trees", "extra_trees", "ordinal",
                             "randomised trees: robust on small noisy data", a), a);
  if (classification && rows <= 5000 && n_numeric >= n_categorical)
    cands.PushBack(candidate("svm", "svc_rbf", "onehot_scaled", "small, mostly numeric data", a), a);

  rapidjson::Value cv(rapidjson::kObjectType);
  int folds = rows > 100000 ? 3 : 5;
  cv.AddMember("scheme", rapidjson::StringRef(classification ? "stratified_kfold" : "kfold"), a);
  cv.AddMember("folds", folds, a);
  cv.AddMember("shuffle", true, a);
  cv.AddMember("seed", opts.seed, a);
  cv.AddMember("max_rows", 200000, a);
  if (rows > 200000)
    notes.push_back("cross-validation on a 200000-row subsample; the final fit uses all rows");

  std::string transform = "none";
  if (metric == "rmsle" || metric == "mcrmsle")
    transform = "log1p";
  else if (metric == "rmse_log")
    transform = "log";

  d.AddMember("planner", "rules", a);
  d.AddMember("seed", opts.seed, a);
  d.AddMember("time_budget_seconds", opts.time_budget_seconds, a);
  d.AddMember("task", json_string(task, a), a);
  d.AddMember("metric", json_string(metric, a), a);
  d.AddMember("output", json_string(output, a), a);
  d.AddMember("target_transform", json_string(transform, a), a);
  d.AddMember("features", features, a);
  d.AddMember("feature_treatment", treatment, a);
  d.AddMember("candidates", cands, a);
  d.AddMember("cv", cv, a);
  rapidjson::Value blend(rapidjson::kObjectType);
  blend.AddMember("enabled", true, a);
  blend.AddMember("max_members", 3, a);
  blend.AddMember("method", "greedy average of out-of-fold predictions, kept only when CV improves", a);
  d.AddMember("blend", blend, a);
  d.AddMember("n_jobs", 2, a);
  d.AddMember("notes", json_strings(notes, a), a);
  return d;
}

result<ok_t> run_plan(const std::string& job_dir, const plan_options& opts) {
  auto prof = read_json_file(job_dir + "/profile.json");
  if (!prof)
    return fail(prof.error() + " (run analyze first)");
  emit_progress(0.2, "profile read");
  auto plan = rules_plan(*prof, opts);
  std::string names;
  for (auto& c : plan["candidates"].GetArray())
    names += (names.empty() ? "" : ", ") + get_string(c, "name");
  auto w = write_json_file(job_dir + "/plan.json", plan);
  if (!w)
    return w;
  emit_progress(1.0, "plan: " + names + " (budget " +
                         std::to_string(static_cast<int>(opts.time_budget_seconds)) + "s)");
  return ok_t{};
}

} // namespace kagent::agent
