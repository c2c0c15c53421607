#include "agent/llm/plan_schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace kagent::agent::llm {

namespace {

using rapidjson::Value;

enum class kind { number, integer, boolean, word, numbers };

// One field: its kind, its range (numbers) or allowed words.
struct field {
  const char* name;
  kind type;
  double low;
  double high;
  std::vector<std::string> words;
  const char* meaning;
};

// What the template's models read from "params" (agent/templates/solution/
// 60_models.py, 70_race.py); bounds are inclusive.
const std::vector<field>& param_fields() {
  static const std::vector<field> f = {
    {"learning_rate", kind::number, 0.001, 1, {}, "boosting step size"},
    {"max_leaf_nodes", kind::integer, 2, 1024, {}, "hist_gradient_boosting leaves per tree"},
    {"min_samples_leaf", kind::integer, 1, 100000, {}, "rows per leaf (trees)"},
    {"l2", kind::number, 0, 1000, {}, "hist_gradient_boosting L2 regularisation"},
    {"max_iter", kind::integer, 1, 20000, {}, "boosting rounds / solver iterations"},
    {"max_rounds", kind::integer, 1, 20000, {}, "xgboost rounds"},
    {"max_depth", kind::integer, 1, 64, {}, "xgboost tree depth"},
    {"min_child_weight", kind::number, 0, 1000, {}, "xgboost"},
    {"n_estimators", kind::integer, 1, 5000, {}, "extra_trees / random_forest trees"},
    {"penalty", kind::word, 0, 0, {"l1", "l2"}, "logistic_regression penalty"},
    {"C", kind::number, 1e-6, 1e6, {}, "fixed inverse regularisation (no grid)"},
    {"C_grid", kind::numbers, 1e-6, 1e6, {}, "inverse regularisation values to tune over"},
    {"class_weight", kind::word, 0, 0, {"balanced"}, "logistic_regression, linear_svm"},
    {"target_encoding", kind::boolean, 0, 0, {}, "out-of-fold target encoding"},
    {"plain_text", kind::boolean, 0, 0, {}, "text models: the text's word n-grams alone, no categories"},
    {"transform", kind::word, 0, 0, {"log1p"}, "target transform of this candidate"},
  };
  return f;
}

const std::vector<std::string> feature_sets = {"base", "rich", "full", "pivot", "best"};
const std::vector<std::string> texts = {"text", "all"};
const std::vector<std::string> requirements = {"positive_skewed_target", "ordinal", "small", "wide",
                                               "label_metric"};
const std::vector<std::string> transforms = {"none", "log1p", "log"};

std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

bool one_of(const std::string& s, const std::vector<std::string>& v) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string list(const std::vector<std::string>& v) {
  std::string out;
  for (auto& s : v)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool in_range(const Value& v, const field& f) {
  if (!v.IsNumber() || !std::isfinite(v.GetDouble()))
    return false;
  double x = v.GetDouble();
  if (f.type == kind::integer && !v.IsInt64())
    return false;
  return x >= f.low && x <= f.high;
}

result<ok_t> check_field(const Value& v, const field& f) {
  auto bad = [&](const std::string& what) { return fail(std::string{f.name} + " " + what); };
  switch (f.type) {
    case kind::number:
    case kind::integer:
      if (!in_range(v, f))
        return bad(std::string{"must be "} + (f.type == kind::integer ? "an integer" : "a number")
                   + " in [" + num(f.low) + ", " + num(f.high) + "]");
      break;
    case kind::boolean:
      if (!v.IsBool())
        return bad("must be true or false");
      break;
    case kind::word:
      if (!v.IsString() || !one_of(v.GetString(), f.words))
        return bad("must be one of " + list(f.words));
      break;
    case kind::numbers:
      if (!v.IsArray() || v.Empty() || v.Size() > 20)
        return bad("must be a list of 1 to 20 numbers");
      for (auto& x : v.GetArray())
        if (!in_range(x, f))
          return bad("values must be numbers in [" + num(f.low) + ", " + num(f.high) + "]");
      break;
  }
  return ok_t{};
}

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 40)
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string string_of(const Value& v, const char* key) {
  auto i = v.FindMember(key);
  return i != v.MemberEnd() && i->value.IsString() ? i->value.GetString() : "";
}

result<ok_t> check_object(const Value& v, const char* what,
                          const std::vector<field>& fields) {
  if (!v.IsObject())
    return fail(std::string{what} + " must be an object");
  for (auto& m : v.GetObject()) {
    std::string key = m.name.GetString();
    auto f = std::find_if(fields.begin(), fields.end(), [&](auto& x) { return key == x.name; });
    if (f == fields.end())
      return fail(std::string{what} + ": unknown field '" + key + "'");
    if (auto r = check_field(m.value, *f); !r)
      return fail(std::string{what} + ": " + r.error());
  }
  return ok_t{};
}

} // namespace

const std::vector<std::string>& known_models() {
  static const std::vector<std::string> m = {
    "hist_gradient_boosting", "xgboost", "extra_trees", "random_forest", "logistic_regression",
    "ridge", "linear", "svm", "linear_svm", "ordinal_regression"};
  return m;
}

result<ok_t> check_candidate(const Value& c) {
  if (!c.IsObject())
    return fail("a candidate must be an object");
  auto name = string_of(c, "name");
  auto where = "candidate '" + name + "': ";
  if (!valid_name(name))
    return fail("a candidate needs a name of 1-40 characters a-z, 0-9, _ (got '" + name + "')");
  static const std::set<std::string> keys = {"name",     "model", "features", "text", "requires",
                                             "params",   "why",   "max_rows", "full_grid"};
  for (auto& m : c.GetObject())
    if (!keys.count(m.name.GetString()))
      return fail(where + "unknown field '" + m.name.GetString() + "'");
  auto model = string_of(c, "model");
  if (!one_of(model, known_models()))
    return fail(where + "unknown model '" + model + "' (known: " + list(known_models()) + ")");
  // The template fits the ordinal regressor only on ordinal classes, and
  // only its "requires": "ordinal" makes it skip it on other data.
  if (model == "ordinal_regression" && string_of(c, "requires") != "ordinal")
    return fail(where + "ordinal_regression needs \"requires\": \"ordinal\"");
  // Likewise the linear SVM: it only classifies, and its margins are no
  // probabilities; "label_metric" skips it unless labels are scored.
  if (model == "linear_svm" && string_of(c, "requires") != "label_metric")
    return fail(where + "linear_svm needs \"requires\": \"label_metric\"");
  if (!one_of(string_of(c, "features"), feature_sets))
    return fail(where + "features must be one of " + list(feature_sets));
  if (c.HasMember("text") && !(c["text"].IsString() && one_of(c["text"].GetString(), texts)))
    return fail(where + "text must be one of " + list(texts));
  if (c.HasMember("requires")
      && !(c["requires"].IsString() && one_of(c["requires"].GetString(), requirements)))
    return fail(where + "requires must be one of " + list(requirements));
  if (c.HasMember("why") && !(c["why"].IsString() && c["why"].GetStringLength() <= 500))
    return fail(where + "why must be a string of at most 500 characters");
  if (c.HasMember("max_rows") && !(c["max_rows"].IsInt64() && c["max_rows"].GetInt64() >= 100))
    return fail(where + "max_rows must be an integer >= 100");
  if (c.HasMember("full_grid") && !c["full_grid"].IsBool())
    return fail(where + "full_grid must be true or false");
  if (c.HasMember("params"))
    if (auto r = check_object(c["params"], "params", param_fields()); !r)
      return fail(where + r.error());
  return ok_t{};
}

result<ok_t> check_proposal(const Value& p) {
  if (!p.IsObject())
    return fail("the plan must be a JSON object");
  static const std::set<std::string> keys = {"candidates", "cv", "blend", "target_transform",
                                             "notes", "reasoning"};
  for (auto& m : p.GetObject())
    if (!keys.count(m.name.GetString()))
      return fail(std::string{"unknown plan field '"} + m.name.GetString() + "'");
  auto cands = p.FindMember("candidates");
  if (cands == p.MemberEnd() || !cands->value.IsArray() || cands->value.Empty()
      || cands->value.Size() > 16)
    return fail("candidates must be a list of 1 to 16 candidate objects");
  std::set<std::string> names;
  for (auto& c : cands->value.GetArray()) {
    if (auto r = check_candidate(c); !r)
      return r;
    if (!names.insert(string_of(c, "name")).second)
      return fail("candidate name '" + string_of(c, "name") + "' is used twice");
  }
  if (p.HasMember("cv"))
    if (auto r = check_object(p["cv"], "cv",
                              {{"folds", kind::integer, 2, 10, {}, ""},
                               {"max_rows", kind::integer, 1000, 1e7, {}, ""},
                               {"seed", kind::integer, 0, 1e9, {}, ""}});
        !r)
      return r;
  if (p.HasMember("blend"))
    if (auto r = check_object(p["blend"], "blend",
                              {{"enabled", kind::boolean, 0, 0, {}, ""},
                               {"max_members", kind::integer, 1, 8, {}, ""}});
        !r)
      return r;
  if (p.HasMember("target_transform")
      && !(p["target_transform"].IsString() && one_of(p["target_transform"].GetString(), transforms)))
    return fail("target_transform must be one of " + list(transforms));
  if (p.HasMember("notes")) {
    auto& n = p["notes"];
    if (!n.IsArray() || n.Size() > 10)
      return fail("notes must be a list of at most 10 strings");
    for (auto& s : n.GetArray())
      if (!s.IsString() || s.GetStringLength() > 500)
        return fail("notes must be strings of at most 500 characters");
  }
  if (p.HasMember("reasoning") && !p["reasoning"].IsString())
    return fail("reasoning must be a string");
  return ok_t{};
}

void merge_proposal(rapidjson::Document& plan, const Value& p) {
  auto& a = plan.GetAllocator();
  auto put = [&](Value& obj, const char* key, const Value& v) {
    Value copy(v, a);
    if (obj.HasMember(key))
      obj[key] = copy;
    else
      obj.AddMember(Value(key, a), copy, a);
  };
  put(plan, "candidates", p["candidates"]);
  for (const char* part : {"cv", "blend"}) {
    if (!p.HasMember(part))
      continue;
    if (!plan.HasMember(part) || !plan[part].IsObject())
      put(plan, part, Value(rapidjson::kObjectType));
    // The seed stays the rule plan's: reruns must give the same outputs.
    for (auto& m : p[part].GetObject())
      if (std::string{m.name.GetString()} != "seed")
        put(plan[part], m.name.GetString(), m.value);
  }
  if (p.HasMember("target_transform"))
    put(plan, "target_transform", p["target_transform"]);
  if (p.HasMember("notes")) {
    if (!plan.HasMember("notes") || !plan["notes"].IsArray())
      put(plan, "notes", Value(rapidjson::kArrayType));
    for (auto& n : p["notes"].GetArray()) {
      std::string text = std::string{"llm: "} + n.GetString();
      plan["notes"].PushBack(Value(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), a), a);
    }
  }
}

std::string schema_description() {
  std::string s =
    "Reply with one JSON object and nothing else:\n"
    "{\"candidates\": [candidate, ...],        // 1-16, raced in this order under the time budget\n"
    " \"cv\": {\"folds\": 2-10, \"max_rows\": 1000-10000000},   // optional (seed is fixed)\n"
    " \"blend\": {\"enabled\": true|false, \"max_members\": 1-8}, // optional\n"
    " \"target_transform\": \"" + list(transforms) + "\",          // optional\n"
    " \"notes\": [\"short reason\", ...]}                 // optional, at most 10\n"
    "A candidate is an object with exactly these fields:\n"
    "  name (required): unique, a-z 0-9 _, at most 40 characters\n"
    "  model (required): one of " + list(known_models()) + "\n"
    "  features (required): one of " + list(feature_sets) +
    " (base = typed raw columns; rich = base + decomposed codes, token flags, counts, pair "
    "similarity; full = rich + joined side tables; pivot = full with side tables whose rows "
    "per key differ by a level pivoted to one column per level; best = whichever the boosting "
    "candidates scored best on)\n"
    "  text (optional): text | all (TF-IDF of long text, or of all text columns; linear models)\n"
    "  requires (optional): one of " + list(requirements) +
    " (skipped when the data does not fit; ordinal_regression needs ordinal, linear_svm "
    "needs label_metric)\n"
    "  why (optional): one sentence\n"
    "  max_rows (optional, with requires=small), full_grid (optional boolean)\n"
    "  params (optional): an object with any of\n";
  for (auto& f : param_fields()) {
    s += "    " + std::string{f.name} + ": ";
    if (f.type == kind::word)
      s += list(f.words);
    else if (f.type == kind::boolean)
      s += "true|false";
    else
      s += std::string{f.type == kind::integer ? "integer " : "number "} +
           (f.type == kind::numbers ? "list " : "") + num(f.low) + ".." + num(f.high);
    s += std::string{" ("} + f.meaning + ")\n";
  }
  s += "Any other field, model or value makes the whole plan invalid.\n";
  return s;
}

} // namespace kagent::agent::llm
