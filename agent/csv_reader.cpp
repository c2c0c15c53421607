#include "agent/csv_reader.hpp"

namespace kagent::agent {

bool csv_reader::fill() {
  if (eof_)
    return false;
  buf_.erase(0, pos_);
  pos_ = 0;
  char chunk[65536];
  auto n = src_.read(chunk, sizeof(chunk));
  if (n < 0) {
    error_ = "read error";
    eof_ = true;
    return false;
  }
  if (n == 0) {
    eof_ = true;
    return false;
  }
  buf_.append(chunk, static_cast<size_t>(n));
  if (!started_ && buf_.size() >= 3) {
    started_ = true;
    if (buf_.compare(0, 3, "\xEF\xBB\xBF") == 0)
      pos_ = 3;
  }
  return true;
}

bool csv_reader::next(std::vector<std::string>& row) {
  for (;;) {
    row.clear();
    std::string field;
    bool in_quotes = false, any = false, quoted = false;
    for (;;) {
      if (pos_ >= buf_.size() && !fill()) {
        if (!error_.empty())
          return false;
        if (in_quotes) {
          error_ = "unterminated quoted field at end of file";
          return false;
        }
        if (!any)
          return false; // clean end
        row.push_back(std::move(field));
        ++records_;
        return true;
      }
      char c = buf_[pos_++];
      any = true;
      if (in_quotes) {
        if (c != '"') {
          field += c;
          continue;
        }
        if (pos_ >= buf_.size())
          fill();
        if (pos_ < buf_.size() && buf_[pos_] == '"') {
          field += '"';
          ++pos_;
        } else {
          in_quotes = false;
        }
      } else if (c == '"' && field.empty() && !quoted) {
        in_quotes = quoted = true;
      } else if (c == sep_) {
        row.push_back(std::move(field));
        field.clear();
        quoted = false;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r') {
          if (pos_ >= buf_.size())
            fill();
          if (pos_ < buf_.size() && buf_[pos_] == '\n')
            ++pos_;
        }
        break;
      } else {
        field += c;
      }
    }
    bool blank = row.empty() && field.empty() && !quoted;
    if (blank)
      continue; // blank lines are skipped, as pandas does
    row.push_back(std::move(field));
    ++records_;
    return true;
  }
}

std::vector<std::vector<std::string>> parse_csv_text(const std::string& text, char sep) {
  memory_source src(text);
  csv_reader r(src, sep);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> row;
  while (r.next(row))
    out.push_back(row);
  return out;
}

char sniff_separator(const std::string& head) {
  const std::string seps = ",\t;|";
  size_t counts[4] = {0, 0, 0, 0};
  bool in_quotes = false;
  size_t start = head.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  for (size_t i = start; i < head.size(); ++i) {
    char c = head[i];
    if (c == '"')
      in_quotes = !in_quotes;
    else if (!in_quotes && (c == '\n' || c == '\r'))
      break;
    else if (!in_quotes)
      if (auto k = seps.find(c); k != std::string::npos)
        ++counts[k];
  }
  size_t best = 0;
  for (size_t k = 1; k < 4; ++k)
    if (counts[k] > counts[best])
      best = k;
  return seps[best];
}

} // namespace kagent::agent
