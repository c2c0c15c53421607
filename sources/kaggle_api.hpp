// The Kaggle REST API as the kaggle CLI 1.6 calls it (KaggleSwagger.yaml,
// base https://www.kaggle.com/api/v1, HTTP Basic with user name and key):
//   GET  /competitions/list?search=<slug>            title, description, evaluationMetric
//   GET  /competitions/data/list/<slug>              [{name, totalBytes, url, ...}]
//   GET  /competitions/data/download-all/<slug>      302 to signed storage (sources/download)
//   POST /competitions/<slug>/submissions/url/<len>/<mtime>  {createUrl, token}
//   PUT  <createUrl>                                  the file, without credentials
//   POST /competitions/submissions/submit/<slug>     {message, ...}
// Blocking; every call retries 408/429/5xx and transport failures with
// backoff, honouring Retry-After.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "config/options.hpp"
#include "sources/competition_info.hpp"
#include "sources/http_client.hpp"
#include "sources/kaggle_credentials.hpp"
#include "sources/retry_policy.hpp"

namespace kagent::sources {

/// Where and as whom the API is called.
struct kaggle_endpoint {
  std::string api_url = "https://www.kaggle.com/api/v1";  ///< no trailing '/'
  kaggle_credentials credentials;
  retry_policy retry;
  int64_t call_timeout_ms = 60000;  ///< one API call (not a download)
};

/// The endpoint the server's configuration names, as `credentials`.
kaggle_endpoint endpoint_for(const sources_options& cfg, const kaggle_credentials& credentials);

/// One file of a competition's data, as /competitions/data/list lists it.
struct kaggle_data_file {
  std::string name;
  int64_t total_bytes = -1;
};

/// Basic credentials of the endpoint, for requests to the API host only.
basic_auth api_auth(const kaggle_endpoint& ep);

/// Performs an API call with retries; the body of its 2xx answer, or the
/// refusal (kaggle_errors.hpp) for `slug`.
caf::expected<std::string> call_api(const kaggle_endpoint& ep, http_request req,
                                    const std::string& slug, const std::atomic<bool>& abort);

/// The competition's listing entry; nothing when the search does not list it.
caf::expected<std::optional<competition_info>>
find_competition(const kaggle_endpoint& ep, const std::string& slug, const std::atomic<bool>& abort);

/// The competition's data files.
caf::expected<std::vector<kaggle_data_file>>
list_data_files(const kaggle_endpoint& ep, const std::string& slug, const std::atomic<bool>& abort);

/// Parses a /competitions/data/list body; invalid_input when it is no list.
caf::expected<std::vector<kaggle_data_file>> parse_data_files(const std::string& json);

/// The URL of every data file in one zip (answered with a redirect).
std::string download_all_url(const kaggle_endpoint& ep, const std::string& slug);

/// Kaggle's answer to a submission.
struct kaggle_submit_answer {
  std::string message;  ///< e.g. "Successfully submitted to Titanic"
};

/// Submits `csv` as submission.csv to `slug` with the description `message`.
caf::expected<kaggle_submit_answer> submit_to_kaggle(const kaggle_endpoint& ep,
                                                     const std::string& slug,
                                                     const std::string& csv,
                                                     const std::string& message,
                                                     const std::atomic<bool>& abort);

} // namespace kagent::sources
