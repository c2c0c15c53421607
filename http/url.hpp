// Request-target decoding: percent-decoding, path segments and query
// parameters. Pure and strict: bad encodings are errors, never guessed at.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kagent::http {

/// The parts of a request target such as `/jobs?limit=5`.
struct target {
  std::vector<std::string> segments;        ///< decoded path segments, "" for `//`
  std::map<std::string, std::string> query; ///< decoded; the last of repeated keys wins
  bool path_ok = true;                      ///< false when the path is badly encoded
  bool query_ok = true;                     ///< false when the query is badly encoded
};

/// Decodes `%XX` escapes (and `+` as space when `plus_is_space`); nullopt on a
/// truncated or non-hex escape.
std::optional<std::string> percent_decode(const std::string& s, bool plus_is_space);

/// Splits and decodes a request target. Segments are split before decoding,
/// so `%2F` never separates segments.
target parse_target(const std::string& raw);

} // namespace kagent::http
