#include "http/response.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <caf/error.hpp>

#include "core/error.hpp"
#include "http/error_map.hpp"

namespace kagent::http {

namespace bhttp = boost::beast::http;

response make_response(unsigned status, std::string body, const char* content_type) {
  response res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::server, server_name);
  res.set(bhttp::field::content_type, content_type);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

response json_response(unsigned status, std::string body) {
  return make_response(status, std::move(body), "application/json");
}

response error_response(unsigned status, const std::string& detail) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("detail");
  w.String(detail.c_str(), static_cast<rapidjson::SizeType>(detail.size()));
  w.EndObject();
  return json_response(status, buf.GetString());
}

response error_response(const caf::error& err, int retry_after_s) {
  auto res = error_response(status_for(err), detail_of(err));
  auto code = code_of(err);
  if (code == errc::queue_full || code == errc::rate_limited) {
    auto wait = retry_after_of(err);
    res.set(bhttp::field::retry_after, std::to_string(wait > 0 ? wait : retry_after_s));
  }
  if (code == errc::unauthorized)
    res.set(bhttp::field::www_authenticate, "Bearer realm=\"kagent\"");
  return res;
}

response job_not_found() {
  return error_response(404, "Job not found");
}

} // namespace kagent::http
