// The stage steps that call the LLM to write code: generate's (solution.py
// from profile + plan, the template kept beside it as the fallback) and the
// repair stage's (a fix of a program that failed). Both always leave a record
// of what happened and what it cost; a model that gives no usable program is
// a recorded fallback, not a stage failure.
#pragma once

#include <string>

#include <rapidjson/document.h>

#include "agent/llm/llm_options.hpp"
#include "agent/result.hpp"

namespace kagent::agent::llm {

/// The template program's file name beside an LLM-written solution.py.
constexpr const char* template_program = "solution_template.py";

/// generate with an LLM: writes <job>/solution_template.py (`template_text`),
/// <job>/solution.py (the model's program, or the template when the model
/// gives none) and <job>/generation.json {writer, fallback?, template, llm}.
result<ok_t> generate_with_llm(const std::string& job_dir, const rapidjson::Value& profile,
                               const rapidjson::Value& plan, const std::string& template_text,
                               const llm_options& llm);

/// What one repair round reads and writes, as names inside the job dir.
struct repair_files {
  int round = 1;
  int rounds = 1;      ///< the most rounds this job may use (for the prompt)
  std::string program; ///< the program that failed
  std::string error;   ///< its trimmed error output
  std::string out;     ///< the fixed program, written only on success
  std::string record;  ///< {round, writer, program, error?, llm}, always written
};

/// The repair stage: asks for a fix of `f.program`. Fails only when its
/// inputs are missing or a file cannot be written.
result<ok_t> run_repair(const std::string& job_dir, const repair_files& f, const llm_options& llm);

/// True for a file name a stage may read or write in the job dir: one path
/// component of letters, digits, '_', '-' and '.', not starting with '.'.
bool plain_file_name(const std::string& name);

} // namespace kagent::agent::llm
