#include "config/kagent_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>

#include "config/llm_config.hpp"
#include "core/error.hpp"

#ifndef KAGENT_EXAMPLES_DIR
#define KAGENT_EXAMPLES_DIR "examples/competitions"
#endif

namespace kagent {

namespace {

std::string dir_of_executable(const std::string& argv0) {
  char buf[PATH_MAX];
  auto n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  std::string path = n > 0 ? std::string(buf, static_cast<size_t>(n)) : argv0;
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

void trim_url(std::string& url) {
  while (!url.empty() && url.back() == '/')
    url.pop_back();
}

} // namespace

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

std::vector<std::string> split_path_list(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find(sep, start);
    if (end == std::string::npos)
      end = s.size();
    if (end > start)
      out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

kagent_config::kagent_config() {
  kagent::add_error_category(*this);
  // Work-stealing backs off when idle and adds ~200 us per HTTP request at
  // low load; sharing does not. Overridable in the file's [scheduler].
  set("scheduler.policy", caf::atom("sharing"));
}

std::string kagent_config::read_options(const std::vector<std::string>& args, const env_lookup& env) {
  if (auto err = load_options(args, env, loaded); !err.empty())
    return err;
  opts = loaded.opts;
  for (auto& [name, text] : loaded.caf_settings) {
    auto value = caf::config_value::parse(text);
    auto opt = custom_options_.qualified_name_lookup(name);
    if (!opt)
      return "config file: unknown CAF setting " + name;
    if (!value || opt->check(*value))
      return "config file: invalid value for CAF setting " + name + ": " + text;
    set(name, std::move(*value));
  }
  return {};
}

namespace {

std::string finish_cluster(cluster_options& c) {
  if (c.role == "worker" && c.join.empty())
    return "a worker needs --join=HOST:PORT (the head's cluster port)";
  if (c.connection_timeout_ms < 2 * c.heartbeat_ms)
    return "--cluster-timeout must be at least twice --cluster-heartbeat, got "
           + std::to_string(c.connection_timeout_ms) + " and " + std::to_string(c.heartbeat_ms);
  bool tls = !c.tls_cert.empty() || !c.tls_key.empty() || !c.tls_ca.empty();
  if (tls && (c.tls_cert.empty() || c.tls_key.empty() || c.tls_ca.empty()))
    return "TLS on the cluster port needs all of --cluster-cert, --cluster-key and --cluster-ca";
  // BASP has no authentication: off loopback only with mutual TLS.
  if (c.role == "head" && !is_loopback_host(c.host) && !tls)
    return "refusing a cluster port on " + c.host + " without TLS: give --cluster-cert, "
           "--cluster-key and --cluster-ca (scripts/cluster-certs.sh makes them) or use "
           "--cluster-host=127.0.0.1";
  return {};
}

} // namespace

std::string kagent_config::finish(const std::string& argv0) {
  // Each value was checked against its row when read; what remains spans
  // several options or the machine.
  if (opts.sources.mirrors.empty())
    opts.sources.mirrors = split_path_list(KAGENT_EXAMPLES_DIR);
  if (opts.sources.cache_dir.empty())
    opts.sources.cache_dir = opts.pipeline.data_dir + "/cache";
  trim_url(opts.sources.kaggle_api_url);
  if (opts.pipeline.stage_bin.empty())
    opts.pipeline.stage_bin = dir_of_executable(argv0) + "/kagent-stage";
  // The train stage stops its search by 85 % of the budget; leave the rest of the
  // stage timeout for the refit and validation.
  opts.admission.max_time_budget_s = std::max(min_time_budget_s, opts.pipeline.stage_timeout_s * 3 / 4);
  if (opts.pipeline.time_budget_s > opts.admission.max_time_budget_s)
    return "--time-budget must be between 1 and " + std::to_string(opts.admission.max_time_budget_s)
           + " (3/4 of --stage-timeout), got " + std::to_string(opts.pipeline.time_budget_s);
  if (access(opts.pipeline.stage_bin.c_str(), X_OK) != 0)
    return "stage program not executable: " + opts.pipeline.stage_bin;
  if (auto err = finish_cluster(opts.cluster); !err.empty())
    return err;
  return finish_llm(opts.pipeline.llm, opts.llm_key, opts.pipeline.data_dir, llm_note);
}

} // namespace kagent
