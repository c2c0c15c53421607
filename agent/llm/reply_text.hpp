// Finding the answer inside a model's reply: the JSON object of a plan, the
// Python program of a solution. Models wrap answers in prose and ``` fences;
// these are pure functions so each shape is tested.
#pragma once

#include <optional>
#include <string>

namespace kagent::agent::llm {

/// The first balanced {...} of `text` (strings and escapes respected), after
/// a ```json fence when there is one; nullopt when there is none.
std::optional<std::string> json_object_in(const std::string& text);

/// The program in `text`: the longest ```python (or unlabelled) fenced block,
/// else the whole text when it reads like Python; nullopt otherwise.
std::optional<std::string> program_in(const std::string& text);

} // namespace kagent::agent::llm
