// The two dialects on the wire: the JSON body and headers of a request, and
// the reply's text, token usage and error, as the Anthropic Messages API and
// OpenAI-compatible chat completions document them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/result.hpp"
#include "core/llm_dialect.hpp"

namespace kagent::agent::llm {

/// One single-turn conversation: instructions and the task.
struct chat_request {
  std::string task;   ///< "plan", "write", "repair": first line of the system prompt
  std::string system;
  std::string user;
  int max_tokens = 4096;
};

/// What the model answered.
struct chat_reply {
  std::string text;         ///< the text blocks joined
  std::string stop_reason;  ///< end_turn / max_tokens (anthropic), stop / length (openai)
  std::string model;        ///< as the server names it
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
};

/// The request body for `model` in `d`'s dialect (temperature 0, no stream).
std::string request_body(llm_dialect d, const std::string& model, const chat_request& req);

/// The request headers; the key ones only when `api_key` is not empty
/// (through the proxy the key is added outside the sandbox).
std::vector<std::string> request_headers(llm_dialect d, const std::string& api_key);

/// The reply of a 2xx response body; fails on a body of the wrong shape.
result<chat_reply> parse_reply(llm_dialect d, const std::string& body);

/// One line for an error response: "429 rate_limit_error: <message>" from
/// either dialect's error object, else the status and the body's start.
std::string describe_error(llm_dialect d, long status, const std::string& body);

/// True when the reply was cut by the token limit.
bool truncated(const chat_reply& r);

} // namespace kagent::agent::llm
