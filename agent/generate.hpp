// The generate stage: profile.json + plan.json in, solution.py out. The
// program is the embedded template (templates/solution/*.py) with both JSON
// documents substituted in, so solution.py is self-contained.
#pragma once

#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "agent/llm/llm_options.hpp"
#include "agent/result.hpp"

namespace kagent::agent {

/// The template compiled into the binary (agent/templates/solution/*.py, joined in order).
extern const char* const solution_template;

/// JSON text safe inside a Python r'''...''' literal (quotes become \u0027).
std::string python_safe_json(const rapidjson::Value& v);

/// The template with the profile and plan substituted; fails when the
/// template lacks a placeholder.
result<std::string> render_solution(const std::string& tmpl, const rapidjson::Value& profile,
                                    const rapidjson::Value& plan);

/// Knobs of the generate stage.
struct generate_options {
  std::optional<llm::llm_options> llm; ///< set: an LLM writes, the template is the fallback
};

/// The generate stage: writes `<job_dir>/solution.py` (with an LLM also
/// solution_template.py and generation.json, see agent/llm/llm_stages).
result<ok_t> run_generate(const std::string& job_dir, const generate_options& opts = {});

} // namespace kagent::agent
