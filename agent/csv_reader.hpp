// Streaming delimited-text reader (RFC 4180: quoted fields, doubled quotes,
// newlines in quotes, CRLF, a UTF-8 byte-order mark) for commas, tabs,
// semicolons or pipes. Pulls bytes in chunks, so a file of any size is read in
// constant memory.
#pragma once

#include <string>
#include <vector>

#include "agent/byte_source.hpp"

namespace kagent::agent {

/// Reads records one at a time from a byte source.
class csv_reader {
public:
  /// A reader over `src`, which must outlive it, splitting fields on `sep`.
  explicit csv_reader(byte_source& src, char sep = ',') : src_(src), sep_(sep) {}

  /// Reads the next non-blank record into `row`; false at the end or on error.
  bool next(std::vector<std::string>& row);

  /// The read error, empty when the end was reached cleanly.
  const std::string& error() const { return error_; }

  /// Records returned so far (the header counts as one).
  size_t records() const { return records_; }

private:
  bool fill();
  byte_source& src_;
  char sep_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool started_ = false;
  size_t records_ = 0;
  std::string error_;
};

/// Splits a whole CSV text into records (for small inputs and tests).
std::vector<std::vector<std::string>> parse_csv_text(const std::string& text, char sep = ',');

/// The field delimiter of a delimited text from its first bytes: whichever of
/// comma, tab, semicolon or pipe occurs most often outside quotes in the first
/// line (comma on a tie or when none does).
char sniff_separator(const std::string& head);

} // namespace kagent::agent
