// Resuming a broken download with an HTTP Range request (RFC 9110 §14):
// what a response to "Range: bytes=<have>-" means for the bytes already on
// disk. Pure, so every answer a storage server may give is tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kagent::sources {

/// A Content-Range header "bytes first-last/total" (total -1 for "*");
/// for "bytes */total" (an unsatisfied range) first and last are -1.
struct content_range {
  int64_t first = -1;
  int64_t last = -1;
  int64_t total = -1;
};

/// The parsed header, or nothing when it is not a well-formed byte range.
std::optional<content_range> parse_content_range(const std::string& value);

/// What to do with the body of a download response.
enum class resume_action {
  append,    ///< the body continues the file at `have`
  truncate,  ///< the body is the whole file: write it from offset 0
  complete,  ///< the file on disk is already whole (416 for bytes=total-)
  restart,   ///< the server's range does not fit: discard and ask again without Range
  fail,      ///< not a download answer (the caller reports the status)
};

/// The action and, when known, the whole file's size.
struct resume_decision {
  resume_action action = resume_action::fail;
  int64_t total = -1;  ///< bytes of the whole file, -1 when unknown
};

/// Decides for a response with `status`, `content_range` and
/// `content_length` (-1 when absent) to a request for bytes from `have`
/// (0: no Range header was sent).
resume_decision decide_resume(int64_t have, long status, const std::string& content_range,
                              int64_t content_length);

} // namespace kagent::sources
