#include "http/routes.hpp"


namespace kagent::http {

namespace {

using boost::beast::http::verb;

std::vector<std::string> template_segments(const std::string& path) {
  // "/a/{id}" -> {"a", "{id}"}; "/" -> {}.
  std::vector<std::string> out;
  if (path == "/")
    return out;
  size_t start = 1;
  for (auto end = path.find('/', start); ; end = path.find('/', start)) {
    out.push_back(path.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos)
      return out;
    start = end + 1;
  }
}

bool is_param(const std::string& s) {
  return s.size() >= 2 && s.front() == '{' && s.back() == '}';
}

} // namespace

const std::vector<route_entry>& routes() {
  // Order does not matter: no two entries match the same method and path.
  // The stage files are http/stage_files.hpp's (a unit test holds them equal).
  static const std::vector<route_entry> table{
    {verb::get, "/", route_answer::dashboard, api_kind::health},
    {verb::get, "/openapi.json", route_answer::openapi, api_kind::health},
    {verb::post, "/run", route_answer::actors, api_kind::submit},
    {verb::get, "/status/{id}", route_answer::actors, api_kind::status},
    {verb::get, "/result/{id}/submission.csv", route_answer::actors, api_kind::submission},
    {verb::get, "/result/{id}/solution.py", route_answer::actors, api_kind::stage_file},
    {verb::get, "/result/{id}/profile.json", route_answer::actors, api_kind::stage_file},
    {verb::get, "/result/{id}/plan.json", route_answer::actors, api_kind::stage_file},
    {verb::get, "/result/{id}/metrics.json", route_answer::actors, api_kind::stage_file},
    {verb::get, "/result/{id}/validation.json", route_answer::actors, api_kind::stage_file},
    {verb::get, "/logs/{id}", route_answer::actors, api_kind::logs},
    {verb::get, "/jobs", route_answer::actors, api_kind::list},
    {verb::delete_, "/jobs/{id}", route_answer::actors, api_kind::cancel},
    {verb::post, "/jobs/{id}/submit", route_answer::actors, api_kind::kaggle_submit},
    {verb::get, "/health", route_answer::actors, api_kind::health},
    {verb::get, "/cluster", route_answer::actors, api_kind::cluster},
    {verb::get, "/metrics", route_answer::actors, api_kind::metrics},
    {verb::get, "/ws/jobs", route_answer::actors, api_kind::ws_jobs},
    {verb::get, "/ws/jobs/{id}", route_answer::actors, api_kind::ws_job},
  };
  return table;
}

std::optional<std::string> match_path(const char* path,
                                      const std::vector<std::string>& segments) {
  auto want = template_segments(path);
  if (want.empty())
    return segments.empty() || (segments.size() == 1 && segments[0].empty())
             ? std::optional<std::string>{""}
             : std::nullopt;
  if (want.size() != segments.size())
    return std::nullopt;
  std::string param;
  for (size_t i = 0; i < want.size(); ++i) {
    if (is_param(want[i]))
      param = segments[i];
    else if (want[i] != segments[i])
      return std::nullopt;
  }
  return param;
}

} // namespace kagent::http
