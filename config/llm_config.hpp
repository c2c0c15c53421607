// The LLM options' checks and derived values, apart from the other options
// because they read secrets: the key comes only from the environment
// (ANTHROPIC_API_KEY / OPENAI_API_KEY), never from a flag or a file, and
// leaves this function only towards the proxy.
#pragma once

#include <string>

#include "config/options.hpp"

namespace kagent {

/// Checks `llm`; with a dialect and its key present fills `key`, the base URL
/// (*_BASE_URL when no --llm-url) and `llm.socket` (<data_dir>/run/llm.sock,
/// absolute). A dialect without its key leaves the LLM off and says so in
/// `note`. Returns an error message for values that cannot work.
std::string finish_llm(llm_options& llm, std::string& key, const std::string& data_dir,
                       std::string& note);

} // namespace kagent
