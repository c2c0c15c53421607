// Reading and writing the small JSON files stages exchange (profile.json,
// plan.json, validation.json), and the one-line JSON protocol on stdout.
#pragma once

#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "agent/result.hpp"

namespace kagent::agent {

/// Parses the JSON file at `path`.
result<rapidjson::Document> read_json_file(const std::string& path);

/// Writes `doc` pretty-printed to `path` atomically (temp file + rename).
result<ok_t> write_json_file(const std::string& path, const rapidjson::Value& doc);

/// Compact one-line JSON text of `v`.
std::string to_json_line(const rapidjson::Value& v);

/// Prints `{"progress":p,"message":m}` on stdout and flushes.
void emit_progress(double progress, const std::string& message);

/// Prints `{"error":m}` on stdout and the message on stderr.
void emit_error(const std::string& message);

/// A string member of `v`, or `fallback`.
std::string get_string(const rapidjson::Value& v, const char* key, const std::string& fallback = "");

/// The strings of an array member of `v` (empty when absent).
std::vector<std::string> get_strings(const rapidjson::Value& v, const char* key);

/// A JSON string value copied into `doc`'s allocator.
rapidjson::Value json_string(const std::string& s, rapidjson::Document::AllocatorType& a);

/// A JSON array of strings.
rapidjson::Value json_strings(const std::vector<std::string>& v,
                              rapidjson::Document::AllocatorType& a);

/// Reads a whole text file; fails when missing.
result<std::string> read_text_file(const std::string& path);

/// Writes a whole text file atomically.
result<ok_t> write_text_file(const std::string& path, const std::string& text);

} // namespace kagent::agent
