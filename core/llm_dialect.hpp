// The two LLM wire dialects kagent speaks: Anthropic's Messages API and
// OpenAI-compatible chat completions (llama.cpp, vLLM, Ollama). What both
// sides of the proxy must agree on: names, public base URLs, the one
// endpoint path each dialect uses, and the key's environment variable.
// Header-only: kagent-stage links nothing of kagent_core.
#pragma once

#include <optional>
#include <string>

namespace kagent {

/// Which LLM API a request is written for.
enum class llm_dialect { anthropic, openai };

/// Parses "anthropic" or "openai".
inline std::optional<llm_dialect> parse_llm_dialect(const std::string& s) {
  if (s == "anthropic")
    return llm_dialect::anthropic;
  if (s == "openai")
    return llm_dialect::openai;
  return std::nullopt;
}

/// "anthropic" or "openai".
inline const char* to_string(llm_dialect d) {
  return d == llm_dialect::anthropic ? "anthropic" : "openai";
}

/// The public API's base URL, as the official SDKs default it. OpenAI's base
/// ends in /v1 (so does a local server's: http://localhost:11434/v1).
inline std::string default_llm_url(llm_dialect d) {
  return d == llm_dialect::anthropic ? "https://api.anthropic.com" : "https://api.openai.com/v1";
}

/// The path appended to the base URL: the only endpoint kagent calls.
inline std::string llm_endpoint_path(llm_dialect d) {
  return d == llm_dialect::anthropic ? "/v1/messages" : "/chat/completions";
}

/// Environment variable holding the API key.
inline const char* llm_key_variable(llm_dialect d) {
  return d == llm_dialect::anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
}

/// Environment variable that may override the base URL.
inline const char* llm_url_variable(llm_dialect d) {
  return d == llm_dialect::anthropic ? "ANTHROPIC_BASE_URL" : "OPENAI_BASE_URL";
}

/// The Messages API version kagent writes for (sent as anthropic-version).
constexpr const char* anthropic_version = "2023-06-01";

} // namespace kagent
