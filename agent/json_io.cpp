#include "agent/json_io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace kagent::agent {

result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

result<ok_t> write_text_file(const std::string& path, const std::string& text) {
  auto tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      return fail("cannot write " + tmp + ": " + std::strerror(errno));
    out << text;
    if (!out.flush())
      return fail("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return fail("cannot rename " + tmp + ": " + std::strerror(errno));
  return ok_t{};
}

result<rapidjson::Document> read_json_file(const std::string& path) {
  auto text = read_text_file(path);
  if (!text)
    return fail(text.error());
  rapidjson::Document doc;
  doc.Parse(text->c_str(), text->size());
  if (doc.HasParseError())
    return fail(path + ": invalid JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                rapidjson::GetParseError_En(doc.GetParseError()));
  return result<rapidjson::Document>(std::move(doc));
}

result<ok_t> write_json_file(const std::string& path, const rapidjson::Value& doc) {
  rapidjson::StringBuffer sb;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
  w.SetIndent(' ', 2);
  doc.Accept(w);
  return write_text_file(path, std::string(sb.GetString()) + "\n");
}

std::string to_json_line(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

void emit_progress(double progress, const std::string& message) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("progress", progress, a);
  d.AddMember("message", json_string(message, a), a);
  std::cout << to_json_line(d) << std::endl;
}

void emit_error(const std::string& message) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("error", json_string(message, a), a);
  std::cout << to_json_line(d) << std::endl;
  std::cerr << "error: " << message << std::endl;
}

std::string get_string(const rapidjson::Value& v, const char* key, const std::string& fallback) {
  if (!v.IsObject())
    return fallback;
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : fallback;
}

std::vector<std::string> get_strings(const rapidjson::Value& v, const char* key) {
  std::vector<std::string> out;
  if (!v.IsObject())
    return out;
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsArray())
    return out;
  for (auto& x : it->value.GetArray())
    if (x.IsString())
      out.emplace_back(x.GetString());
  return out;
}

rapidjson::Value json_string(const std::string& s, rapidjson::Document::AllocatorType& a) {
  return rapidjson::Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a);
}

rapidjson::Value json_strings(const std::vector<std::string>& v,
                              rapidjson::Document::AllocatorType& a) {
  rapidjson::Value arr(rapidjson::kArrayType);
  for (auto& s : v)
    arr.PushBack(json_string(s, a), a);
  return arr;
}

} // namespace kagent::agent
