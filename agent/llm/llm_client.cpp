#include "agent/llm/llm_client.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <random>
#include <thread>

#include "agent/llm/retry_policy.hpp"

namespace kagent::agent::llm {

namespace {

std::string failure_text(const http_reply& r, llm_dialect d) {
  switch (r.failure) {
    case transport_failure::timeout:
      return "timed out (" + r.error + ")";
    case transport_failure::connect:
      return "connection failed (" + r.error + ")";
    case transport_failure::other:
      return r.error;
    case transport_failure::none:
      break;
  }
  return describe_error(d, r.status, r.body);
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

} // namespace

llm_client::llm_client(llm_options opts, transport_fn transport, sleep_fn sleep, jitter_fn jitter)
  : opts_(std::move(opts)), transport_(std::move(transport)), sleep_(std::move(sleep)),
    jitter_(std::move(jitter)) {
  if (!sleep_)
    sleep_ = [](double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); };
  if (!jitter_) {
    auto rng = std::make_shared<std::mt19937_64>(std::random_device{}());
    jitter_ = [rng] { return std::uniform_real_distribution<double>(0.0, 1.0)(*rng); };
  }
}

result<chat_reply> llm_client::complete(const chat_request& req) {
  http_request http;
  http.url = endpoint_url(opts_);
  http.headers = request_headers(opts_.dialect, opts_.api_key);
  http.body = request_body(opts_.dialect, opts_.model, req);
  http.unix_socket = opts_.socket;
  http.timeout_s = opts_.timeout_s;
  std::string last;
  int attempts = 0;
  for (int retry = 0;; ++retry) {
    ++attempts;
    ++usage_.requests;
    auto r = transport_(http);
    if (r.failure == transport_failure::none && r.status >= 200 && r.status < 300) {
      auto reply = parse_reply(opts_.dialect, r.body);
      if (!reply)
        return fail(std::string{to_string(opts_.dialect)} + ": " + reply.error());
      usage_.input_tokens += reply->input_tokens;
      usage_.output_tokens += reply->output_tokens;
      ++usage_.calls;
      return reply;
    }
    last = failure_text(r, opts_.dialect);
    if (retry >= opts_.max_retries || !should_retry(r))
      break;
    double wait = retry_delay_s(retry, r.headers, jitter_(), std::time(nullptr));
    waits_.push_back(wait);
    if (notice_)
      notice_(last + "; retry " + std::to_string(retry + 1) + "/"
              + std::to_string(opts_.max_retries) + " in " + seconds(wait));
    sleep_(wait);
  }
  return fail(std::string{to_string(opts_.dialect)} + " " + opts_.model + ": " + last + " (after "
              + std::to_string(attempts) + (attempts == 1 ? " attempt)" : " attempts)"));
}

} // namespace kagent::agent::llm
