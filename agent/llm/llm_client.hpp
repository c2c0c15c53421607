// The one LLM client of kagent-stage: a chat request in, the model's text
// out, in either dialect, with the official SDKs' retries (retry_policy) and
// a running count of the tokens used. The transport, the sleep and the jitter
// are parameters, so tests drive retries without a network or a clock.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "agent/llm/http_post.hpp"
#include "agent/llm/llm_options.hpp"
#include "agent/llm/wire_format.hpp"
#include "agent/result.hpp"

namespace kagent::agent::llm {

/// Tokens and requests spent so far.
struct llm_usage {
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int requests = 0;  ///< HTTP attempts, retries included
  int calls = 0;     ///< complete() calls that got a reply
};

/// Sends one attempt.
using transport_fn = std::function<http_reply(const http_request&)>;
/// Waits that many seconds.
using sleep_fn = std::function<void(double)>;
/// A number in [0, 1).
using jitter_fn = std::function<double()>;
/// Told about every retry ("429 rate_limit_error: ...; retry 1/2 in 1.0 s").
using notice_fn = std::function<void(const std::string&)>;

/// A client for one stage run.
class llm_client {
public:
  /// Defaults: libcurl, a real sleep, random jitter, no notices.
  explicit llm_client(llm_options opts, transport_fn transport = http_post, sleep_fn sleep = {},
                      jitter_fn jitter = {});

  /// Asks the model; the failure names the last error and the attempts made.
  result<chat_reply> complete(const chat_request& req);

  /// Where retry notices go.
  void on_notice(notice_fn fn) { notice_ = std::move(fn); }

  /// Tokens and requests spent by this client.
  const llm_usage& usage() const { return usage_; }

  /// The options it was made with.
  const llm_options& options() const { return opts_; }

  /// Seconds it waited before each retry (in order).
  const std::vector<double>& waits() const { return waits_; }

private:
  llm_options opts_;
  transport_fn transport_;
  sleep_fn sleep_;
  jitter_fn jitter_;
  notice_fn notice_;
  llm_usage usage_;
  std::vector<double> waits_;
};

} // namespace kagent::agent::llm
