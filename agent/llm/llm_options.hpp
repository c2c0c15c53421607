// How a stage reaches an LLM: dialect, base URL, model, limits, and either
// the launcher's proxy socket (the server's way: no key in the sandbox) or
// the key from the environment (kagent-stage run by hand).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "agent/result.hpp"
#include "core/llm_dialect.hpp"

namespace kagent::agent::llm {

/// Everything the client needs for one stage.
struct llm_options {
  llm_dialect dialect = llm_dialect::anthropic;
  std::string url;        ///< base URL; empty: the dialect's public API
  std::string model;      ///< sent as "model"; named in plan.json as llm:<model>
  std::string api_key;    ///< direct mode only; empty through the proxy
  std::string socket;     ///< the proxy's Unix socket; empty: talk to `url` directly
  int timeout_s = 300;    ///< one request attempt, connect to last byte
  int max_retries = 2;    ///< retries after the first attempt, as the official SDKs
  int max_tokens = 16384; ///< reply budget of a code-writing call
};

/// "llm:<model>": how plan.json, generation.json and the job name a writer.
inline std::string llm_name(const llm_options& o) { return "llm:" + o.model; }

/// The URL one request goes to: the base URL plus the dialect's endpoint;
/// through the proxy the host is a placeholder (the proxy picks the server).
std::string endpoint_url(const llm_options& o);

/// The LLM options from a stage's flags (--llm, --llm-url, --llm-model,
/// --llm-socket, --llm-timeout, --llm-max-tokens); nullopt when --llm is
/// absent. Without a socket the key comes from ANTHROPIC_API_KEY /
/// OPENAI_API_KEY and the base URL may come from ANTHROPIC_BASE_URL /
/// OPENAI_BASE_URL; a missing key is a failure.
result<std::optional<llm_options>> llm_from_flags(const std::map<std::string, std::string>& flags);

/// The flag names llm_from_flags reads (for a stage's allowed-option list).
const char* const* llm_flag_names();

} // namespace kagent::agent::llm
