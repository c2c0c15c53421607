#include "sources/range_resume.hpp"

#include <cctype>

namespace kagent::sources {

namespace {

// A non-negative decimal at s[i..], advancing i; nothing when none is there.
std::optional<int64_t> number_at(const std::string& s, size_t& i) {
  size_t start = i;
  int64_t v = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    if (i - start >= 18)
      return std::nullopt;  // would overflow int64
    v = v * 10 + (s[i] - '0');
    ++i;
  }
  if (i == start)
    return std::nullopt;
  return v;
}

} // namespace

std::optional<content_range> parse_content_range(const std::string& value) {
  const std::string unit = "bytes ";
  if (value.compare(0, unit.size(), unit) != 0)
    return std::nullopt;
  size_t i = unit.size();
  content_range r;
  if (i < value.size() && value[i] == '*') {
    ++i;
  } else {
    auto first = number_at(value, i);
    if (!first || i >= value.size() || value[i++] != '-')
      return std::nullopt;
    auto last = number_at(value, i);
    if (!last || *last < *first)
      return std::nullopt;
    r.first = *first;
    r.last = *last;
  }
  if (i >= value.size() || value[i++] != '/')
    return std::nullopt;
  if (i < value.size() && value[i] == '*') {
    ++i;
  } else {
    auto total = number_at(value, i);
    if (!total || (r.last >= 0 && r.last >= *total))
      return std::nullopt;
    r.total = *total;
  }
  if (i != value.size() || (r.first < 0 && r.total < 0))
    return std::nullopt;
  return r;
}

resume_decision decide_resume(int64_t have, long status, const std::string& content_range,
                              int64_t content_length) {
  resume_decision d;
  auto range = parse_content_range(content_range);
  if (status == 200) {
    // A full answer: the server ignored (or was not sent) the range.
    d.action = have > 0 ? resume_action::truncate : resume_action::append;
    d.total = content_length;
    return d;
  }
  if (status == 206) {
    if (!range || range->first < 0)
      return d;  // a 206 without a usable range cannot be placed in the file
    d.total = range->total;
    d.action = range->first == have ? resume_action::append : resume_action::restart;
    return d;
  }
  if (status == 416 && have > 0) {
    if (range && range->first < 0 && range->total == have) {
      d.action = resume_action::complete;
      d.total = have;
    } else {
      d.action = resume_action::restart;
    }
    return d;
  }
  return d;
}

} // namespace kagent::sources
