#include "agent/llm/llm_options.hpp"

#include <cstdlib>

namespace kagent::agent::llm {

namespace {

const char* const flag_names[] = {"llm",         "llm-url",        "llm-model", "llm-socket",
                                  "llm-timeout", "llm-max-tokens", nullptr};

bool positive_int(const std::string& s, int& out) {
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v <= 0 || v > 1000000)
    return false;
  out = static_cast<int>(v);
  return true;
}

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

} // namespace

const char* const* llm_flag_names() { return flag_names; }

std::string endpoint_url(const llm_options& o) {
  auto base = o.socket.empty() ? (o.url.empty() ? default_llm_url(o.dialect) : o.url)
                               : std::string{"http://llm-proxy"};
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base + llm_endpoint_path(o.dialect);
}

result<std::optional<llm_options>> llm_from_flags(const std::map<std::string, std::string>& flags) {
  auto at = [&](const char* k) {
    auto i = flags.find(k);
    return i == flags.end() ? std::string{} : i->second;
  };
  if (!flags.count("llm"))
    return std::optional<llm_options>{};
  llm_options o;
  auto d = parse_llm_dialect(at("llm"));
  if (!d)
    return fail("--llm must be anthropic or openai, got '" + at("llm") + "'");
  o.dialect = *d;
  o.model = at("llm-model");
  if (o.model.empty())
    return fail("--llm needs --llm-model");
  o.url = at("llm-url");
  o.socket = at("llm-socket");
  if (flags.count("llm-timeout") && !positive_int(at("llm-timeout"), o.timeout_s))
    return fail("--llm-timeout must be a positive number of seconds");
  if (flags.count("llm-max-tokens") && !positive_int(at("llm-max-tokens"), o.max_tokens))
    return fail("--llm-max-tokens must be a positive number");
  if (o.socket.empty()) {
    // By hand, without the server's proxy: the key is ours to send.
    o.api_key = env_or_empty(llm_key_variable(o.dialect));
    if (o.api_key.empty())
      return fail(std::string{"--llm="} + to_string(o.dialect) + " without --llm-socket needs "
                  + llm_key_variable(o.dialect) + " in the environment");
    if (o.url.empty())
      o.url = env_or_empty(llm_url_variable(o.dialect));
  }
  return std::optional<llm_options>{std::move(o)};
}

} // namespace kagent::agent::llm
