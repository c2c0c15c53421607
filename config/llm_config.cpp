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
  // The option table checked each value's range; what is left spans options.
  auto d = parse_llm_dialect(llm.dialect);
  if (!d)
    return "--llm must be anthropic or openai, got '" + llm.dialect + "'";
  if (llm.model.empty())
    return "--llm=" + llm.dialect + " needs --llm-model";
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
