#include "agent/generate.hpp"

#include <sys/stat.h>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "agent/json_io.hpp"
#include "agent/llm/llm_stages.hpp"

namespace kagent::agent {

namespace {

constexpr const char* profile_slot = "__KAGENT_PROFILE_JSON__";
constexpr const char* plan_slot = "__KAGENT_PLAN_JSON__";

bool replace_once(std::string& text, const std::string& slot, const std::string& with) {
  auto pos = text.find(slot);
  if (pos == std::string::npos)
    return false;
  text.replace(pos, slot.size(), with);
  return true;
}

} // namespace

std::string python_safe_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
  w.SetIndent(' ', 1);
  v.Accept(w);
  std::string out;
  // A quote can only occur inside a JSON string, where \u0027 means the same;
  // then no ''' can end the Python literal early.
  for (const char* p = sb.GetString(); *p; ++p) {
    if (*p == '\'')
      out += "\\u0027";
    else
      out += *p;
  }
  return out;
}

result<std::string> render_solution(const std::string& tmpl, const rapidjson::Value& profile,
                                    const rapidjson::Value& plan) {
  std::string text = tmpl;
  if (!replace_once(text, profile_slot, python_safe_json(profile)))
    return fail("template has no profile placeholder");
  if (!replace_once(text, plan_slot, python_safe_json(plan)))
    return fail("template has no plan placeholder");
  return text;
}

result<ok_t> run_generate(const std::string& job_dir, const generate_options& opts) {
  auto profile = read_json_file(job_dir + "/profile.json");
  if (!profile)
    return fail(profile.error() + " (run analyze first)");
  auto plan = read_json_file(job_dir + "/plan.json");
  if (!plan)
    return fail(plan.error() + " (run plan first)");
  emit_progress(0.3, "rendering solution.py from the template");
  auto text = render_solution(solution_template, *profile, *plan);
  if (!text)
    return fail(text.error());
  if (opts.llm)
    return llm::generate_with_llm(job_dir, *profile, *plan, *text, *opts.llm);
  auto path = job_dir + "/solution.py";
  auto w = write_text_file(path, *text);
  if (!w)
    return w;
  chmod(path.c_str(), 0755);
  emit_progress(1.0, "solution.py written (" + std::to_string(text->size()) + " bytes)");
  return ok_t{};
}

} // namespace kagent::agent
