// The LLM code writer: prompts that ask for solution.py (from the profile and
// the plan, with the rendered template as the example of the program's
// contract) or for a fix of a program that failed, and the check of the
// program a reply holds.
#pragma once

#include <string>

#include <rapidjson/document.h>

#include "agent/llm/wire_format.hpp"
#include "agent/result.hpp"

namespace kagent::agent::llm {

/// Largest program accepted from a reply, bytes.
constexpr size_t max_program_bytes = 1u << 20;

/// The request for a new solution.py.
chat_request write_prompt(const rapidjson::Value& profile, const rapidjson::Value& plan,
                          const std::string& example_program, int max_tokens);

/// The request for round `round` of `rounds`: fix `program`, which failed
/// with `error_output` (already trimmed).
chat_request repair_prompt(const rapidjson::Value& profile, const std::string& program,
                           const std::string& error_output, int round, int rounds,
                           int max_tokens);

/// The program in a reply, or why it is not one: cut at the token limit,
/// no code, too large, or not writing submission.csv.
result<std::string> program_from_reply(const chat_reply& reply);

} // namespace kagent::agent::llm
