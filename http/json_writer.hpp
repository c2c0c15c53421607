// The RapidJSON writer every JSON body of the API is built with, and the
// one-liner that writes a string member.
#pragma once

#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace kagent::http {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

/// Writes "key": "value".
inline void put(writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

} // namespace kagent::http
