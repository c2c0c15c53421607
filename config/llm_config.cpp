#include "config/llm_config.hpp"

#include <cstdlib>
#include <filesystem>

#include "core/llm_dialect.hpp"

namespace kagent {

std::string finish_llm(llm_options& llm, std::string& key, const std::string& data_dir,
                       std::string& note) {
  llm.socket.clear();
  key.clear();
  if (llm.dialect.empty())
    return {};
  auto d = parse_llm_dialect(llm.dialect);
  if (!d)
    return "--llm must be anthropic or openai, got '" + llm.dialect + "'";
  if (llm.model.empty())
    return "--llm=" + llm.dialect + " needs --llm-model";
  if (llm.timeout_s < 1)
    return "--llm-timeout must be at least 1 second";
  if (llm.max_tokens < 256)
    return "--llm-max-tokens must be at least 256";
  if (llm.repair_rounds < 0 || llm.repair_rounds > 9)
    return "--llm-repair-rounds must be between 0 and 9";
  const char* k = std::getenv(llm_key_variable(*d));
  if (!k || !*k) {
    note = std::string{"--llm="} + llm.dialect + " is off: " + llm_key_variable(*d)
           + " is not set (a local server without keys takes any value, e.g. "
           + llm_key_variable(*d) + "=local)";
    return {};
  }
  key = k;
  if (llm.url.empty())
    if (const char* u = std::getenv(llm_url_variable(*d)); u && *u)
      llm.url = u;
  if (llm.url.empty())
    llm.url = default_llm_url(*d);
  if (llm.url.rfind("http://", 0) != 0 && llm.url.rfind("https://", 0) != 0)
    return "--llm-url must start with http:// or https://";
  std::error_code ec;
  auto dir = std::filesystem::absolute(data_dir, ec).lexically_normal();
  llm.socket = (dir / "run" / "llm.sock").string();
  return {};
}

} // namespace kagent
