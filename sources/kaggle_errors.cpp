#include "sources/kaggle_errors.hpp"

#include <rapidjson/document.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/json_parse.hpp"

namespace kagent::sources {

namespace {

constexpr size_t max_message = 1000;

// Reason phrases for servers that send none (HTTP/2 has no reason phrase).
const char* standard_reason(long status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

// The "message" string of a JSON object body, bounded and on one line.
std::string message_of(const std::string& body, bool only_if_error_code) {
  rapidjson::Document doc;
  parse_json(doc, body);
  if (doc.HasParseError() || !doc.IsObject())
    return {};
  if (only_if_error_code) {
    auto code = doc.FindMember("code");
    if (code == doc.MemberEnd() || !code->value.IsNumber() || code->value.GetDouble() == 200)
      return {};
  }
  auto m = doc.FindMember("message");
  if (m == doc.MemberEnd() || !m->value.IsString())
    return {};
  std::string s(m->value.GetString(), std::min<size_t>(m->value.GetStringLength(), max_message));
  for (auto& c : s)
    if (c == '\n' || c == '\r')
      c = ' ';
  return trim(s);
}

} // namespace

std::string kaggle_error_line(long status, const std::string& reason, const std::string& body) {
  auto r = reason.empty() ? std::string{standard_reason(status)} : reason;
  auto line = std::to_string(status) + (r.empty() ? "" : " - " + r);
  if (auto m = message_of(body, false); !m.empty())
    line += " - " + m;
  return line;
}

caf::error kaggle_refusal(long status, const std::string& reason, const std::string& body,
                          const std::string& slug, const std::string& user) {
  auto line = kaggle_error_line(status, reason, body);
  // Kaggle's messages are sentences already; ours follow as sentences.
  auto lead = line + (ends_with(line, ".") ? " " : ". ");
  auto page = "https://www.kaggle.com/competitions/" + slug;
  switch (status) {
    case 401:
      return make_error(errc::upstream_failed,
                        lead + "Kaggle rejected the API key of user '" + user
                          + "': check KAGGLE_USERNAME and KAGGLE_KEY, or kaggle.json "
                            "(create a new token at https://www.kaggle.com/settings)");
    case 403:
      if (to_lower(line).find("rules") != std::string::npos)
        return make_error(errc::upstream_failed,
                          lead + "Accept the rules at " + page + "/rules while signed in as '"
                            + user + "', then submit the job again.");
      return make_error(errc::upstream_failed,
                        lead + "The Kaggle account '" + user
                          + "' may not download this competition: join it at " + page
                          + " (Kaggle may also ask to verify the account's phone number)");
    case 404:
      return make_error(errc::not_found, lead + "Kaggle has no competition '" + slug
                                           + "' that the account '" + user + "' can see");
    case 429:
      return make_error(errc::upstream_failed,
                        lead + "Kaggle kept rate-limiting the account '" + user
                          + "' through every retry; submit the job again later");
    default:
      return make_error(errc::upstream_failed, line);
  }
}

std::string kaggle_body_error(const std::string& body) {
  return message_of(body, true);
}

} // namespace kagent::sources
