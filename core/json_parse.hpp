// JSON the server does not write itself (request bodies, stage outputs,
// replies of remote APIs) is parsed iteratively: RapidJSON's default parser
// recurses once per nesting level, and a body of a million '[' overflows the
// stack. Header-only, like core/text.hpp, for every binary.
#pragma once

#include <string_view>

#include <rapidjson/document.h>

namespace kagent {

/// Parses `text` into `doc` without recursion; check doc.HasParseError().
inline rapidjson::Document& parse_json(rapidjson::Document& doc, std::string_view text) {
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  return doc;
}

} // namespace kagent
