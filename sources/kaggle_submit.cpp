// submit_to_kaggle (kaggle_api.hpp): the CLI 1.6's "new submissions path".
#include <ctime>

#include <rapidjson/document.h>

#include "core/error.hpp"
#include "sources/curl_error.hpp"
#include "sources/kaggle_api.hpp"
#include "sources/kaggle_errors.hpp"
#include "core/json_parse.hpp"

namespace kagent::sources {

namespace {

std::string string_field(const rapidjson::Document& doc, const char* key) {
  auto i = doc.FindMember(key);
  return i != doc.MemberEnd() && i->value.IsString()
           ? std::string(i->value.GetString(), i->value.GetStringLength())
           : std::string{};
}

// The upload goes to storage, so it carries no credentials (the CLI uses a
// bare requests session for it). Transport failures and 5xx are retried.
caf::error upload(const kaggle_endpoint& ep, const std::string& url, const std::string& csv,
                  const std::atomic<bool>& abort) {
  http_request req;
  req.method = "PUT";
  req.url = url;
  req.body = csv;
  req.timeout_ms = ep.call_timeout_ms;
  for (int attempt = 0;; ++attempt) {
    auto res = perform(req, {}, abort, 64 * 1024);
    if (res.curl_code == 0 && (res.status == 200 || res.status == 201))
      return {};
    bool transient = res.curl_code != 0 ? is_transient_curl_code(res.curl_code)
                                        : is_retryable_status(res.status);
    if (!transient || attempt >= ep.retry.retries) {
      if (res.curl_code != 0)
        return curl_failure(res.curl_code, "upload of the submission", res.curl_text);
      return make_error(errc::upstream_failed,
                        "upload of the submission: "
                          + kaggle_error_line(res.status, res.reason, res.body));
    }
    if (!wait_unless_aborted(abort, retry_delay_ms(ep.retry, attempt + 1, -1, 0.5)))
      return make_error(errc::cancelled, "upload of the submission: stopped");
  }
}

} // namespace

caf::expected<kaggle_submit_answer> submit_to_kaggle(const kaggle_endpoint& ep,
                                                     const std::string& slug,
                                                     const std::string& csv,
                                                     const std::string& message,
                                                     const std::atomic<bool>& abort) {
  http_request start;
  start.method = "POST";
  start.url = ep.api_url + "/competitions/" + slug + "/submissions/url/"
              + std::to_string(csv.size()) + "/" + std::to_string(std::time(nullptr));
  start.form = {{"fileName", "submission.csv"}};
  auto body = call_api(ep, std::move(start), slug, abort);
  if (!body)
    return body.error();
  rapidjson::Document doc;
  parse_json(doc, *body);
  if (doc.HasParseError() || !doc.IsObject())
    return make_error(errc::upstream_failed, "Kaggle's submission URL answer is not JSON");
  if (doc.HasMember("isComplete"))
    return make_error(errc::upstream_failed,
                      "Kaggle answered with the old submission upload protocol, which kagent "
                      "does not speak");
  auto url = string_field(doc, "createUrl");
  auto token = string_field(doc, "token");
  if (token.empty() || (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0))
    return make_error(errc::upstream_failed, "Kaggle's submission URL answer lacks createUrl or token");
  if (auto err = upload(ep, url, csv, abort))
    return err;
  http_request submit;
  submit.method = "POST";
  submit.url = ep.api_url + "/competitions/submissions/submit/" + slug;
  submit.form = {{"blobFileTokens", token}, {"submissionDescription", message}};
  auto answer = call_api(ep, std::move(submit), slug, abort);
  if (!answer)
    return answer.error();
  rapidjson::Document res;
  parse_json(res, *answer);
  kaggle_submit_answer out;
  if (!res.HasParseError() && res.IsObject())
    out.message = string_field(res, "message").substr(0, 1000);
  return out;
}

} // namespace kagent::sources
