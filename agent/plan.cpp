#include "agent/plan.hpp"

#include <cstdint>
#include <map>

#include "agent/json_io.hpp"
#include "agent/llm/llm_planner.hpp"

namespace kagent::agent {

namespace {

using alloc_t = rapidjson::Document::AllocatorType;

// The candidate race, in order: a robust baseline first, the text models,
// the richer feature set, a second boosting flavour (the blend's best
// partner), target encoding, the text model with phrases, shallower or
// log-target boosting, the ordinal regressor, linear models, and the rest. The solution applies
// "requires" (skipping what does not fit the data) and resolves the "best"
// feature set from the boosting candidates' CV scores.
constexpr const char* candidates_json = R"([
  {"name": "hgb", "model": "hist_gradient_boosting", "features": "base",
   "why": "robust baseline: boosting with early stopping on the typed raw columns"},
  {"name": "text_linear", "model": "logistic_regression", "features": "rich", "text": "text",
   "why": "TF-IDF of free text and token lists + one-hot categories, regularisation from a grid"},
  {"name": "text_svm", "model": "linear_svm", "features": "rich", "text": "text",
   "requires": "label_metric",
   "why": "linear SVM on the text design: accurate and fast when labels are scored"},
  {"name": "text_words", "model": "logistic_regression", "features": "rich", "text": "text",
   "params": {"plain_text": true},
   "why": "the text's word n-grams alone, as a quick TF-IDF baseline has them; unigrams for few rows per class"},
  {"name": "hgb_full", "model": "hist_gradient_boosting", "features": "full",
   "why": "decomposed codes, frequent tokens, counts, pair similarity, joined side tables"},
  {"name": "hgb_pivot", "model": "hist_gradient_boosting", "features": "pivot",
   "why": "side tables whose rows per key differ by a level (per station, per probe) pivoted to one column per level, not averaged"},
  {"name": "xgboost", "model": "xgboost", "features": "best",
   "why": "second boosting flavour for the blend"},
  {"name": "hgb_te", "model": "hist_gradient_boosting", "features": "full",
   "params": {"target_encoding": true},
   "why": "out-of-fold target encoding of high-cardinality categories and category pairs"},
  {"name": "text_linear_all", "model": "logistic_regression", "features": "rich", "text": "all",
   "why": "the text model with short phrases too"},
  {"name": "hgb_small", "model": "hist_gradient_boosting", "features": "best",
   "params": {"max_leaf_nodes": 8, "min_samples_leaf": 40, "learning_rate": 0.05},
   "why": "shallower trees for small or noisy data"},
  {"name": "hgb_log", "model": "hist_gradient_boosting", "features": "best",
   "requires": "positive_skewed_target", "params": {"transform": "log1p"},
   "why": "log target for a positive skewed target under a squared-error metric"},
  {"name": "ordinal", "model": "ordinal_regression", "features": "best", "requires": "ordinal",
   "why": "ordinal classes as one regressed number with tuned cut points"},
  {"name": "linear", "model": "logistic_regression", "features": "rich",
   "why": "regularised linear model on scaled numbers and one-hot categories"},
  {"name": "linear_l1", "model": "logistic_regression", "features": "base", "requires": "wide",
   "params": {"penalty": "l1", "C_grid": [0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0]},
   "why": "sparse linear model for wide data with few rows"},
  {"name": "extra_trees", "model": "extra_trees", "features": "best",
   "why": "randomised trees: robust on small noisy data"},
  {"name": "svm", "model": "svm", "features": "base", "requires": "small",
   "why": "RBF kernel on small data"}
])";

// The candidates for a task; linear models of a regression task are ridge.
rapidjson::Value candidates(bool classification, alloc_t& a) {
  rapidjson::Document list;
  list.Parse(candidates_json);
  rapidjson::Value out(rapidjson::kArrayType);
  for (auto& c : list.GetArray()) {
    auto name = get_string(c, "name");
    if (!classification && (name == "text_linear" || name == "text_words" || name == "text_linear_all" ||
                            name == "linear"))
      c["model"].SetString("ridge", list.GetAllocator());
    rapidjson::Value copy(c, a);
    out.PushBack(copy, a);
  }
  return out;
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
  if (prof.HasMember("fallback"))
    notes.push_back("analysis fell back (" + get_string(prof, "fallback") +
                    "): the solution submits the training prior or the sample");

  // Features per column kind (the solution re-derives them; this is for people).
  std::map<std::string, std::vector<std::string>> by_kind;
  if (prof.HasMember("columns") && prof["columns"].IsArray())
    for (auto& c : prof["columns"].GetArray())
      if (get_string(c, "role") == "feature")
        by_kind[get_string(c, "kind")].push_back(get_string(c, "name"));
  rapidjson::Value features(rapidjson::kObjectType);
  for (auto kind : {"numeric", "categorical", "datetime", "text", "list"})
    features.AddMember(rapidjson::StringRef(kind), json_strings(by_kind[kind], a), a);
  rapidjson::Value treatment(rapidjson::kObjectType);
  treatment.AddMember("base", "typed raw columns: numbers, native categories, expanded dates, text lengths", a);
  treatment.AddMember("rich", "base + decomposed codes, frequent tokens, counts, pair similarity", a);
  treatment.AddMember("full", "rich + joined side tables (files.auxiliary)", a);
  treatment.AddMember("pivot", "full, with side tables whose rows per key differ by a low-cardinality level "
                               "pivoted to one column per level instead of averaged", a);
  treatment.AddMember("best", "whichever of base / rich / full / pivot the boosting candidates scored best on", a);

  rapidjson::Value cv(rapidjson::kObjectType);
  cv.AddMember("folds", rows > 100000 ? 3 : 5, a);
  cv.AddMember("max_rows", 200000, a);
  cv.AddMember("seed", opts.seed, a);
  if (rows > 200000)
    notes.push_back("cross-validation on at most 200000 rows; the final fit uses all rows");

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
  d.AddMember("feature_sets", treatment, a);
  d.AddMember("candidates", candidates(classification, a), a);
  d.AddMember("cv", cv, a);
  rapidjson::Value blend(rapidjson::kObjectType);
  blend.AddMember("enabled", true, a);
  blend.AddMember("max_members", 4, a);
  d.AddMember("blend", blend, a);
  d.AddMember("n_jobs", 1, a);
  d.AddMember("notes", json_strings(notes, a), a);
  return d;
}

result<ok_t> run_plan(const std::string& job_dir, const plan_options& opts) {
  auto prof = read_json_file(job_dir + "/profile.json");
  if (!prof)
    return fail(prof.error() + " (run analyze first)");
  emit_progress(0.2, "profile read");
  auto plan = rules_plan(*prof, opts);
  if (opts.llm)
    llm::apply_llm_planner(plan, *prof, opts, *opts.llm);
  std::string names;
  for (auto& c : plan["candidates"].GetArray())
    names += (names.empty() ? "" : ", ") + get_string(c, "name");
  auto w = write_json_file(job_dir + "/plan.json", plan);
  if (!w)
    return w;
  if (opts.llm)
    names = get_string(plan, "planner") + ": " + names;
  emit_progress(1.0, "plan: " + names + " (budget " +
                         std::to_string(static_cast<int>(opts.time_budget_seconds)) + "s)");
  return ok_t{};
}

} // namespace kagent::agent
