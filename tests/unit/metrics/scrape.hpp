// Reads one sample out of a text exposition, as a scraper would.
#pragma once

#include <sstream>
#include <string>

namespace kagent::metrics::test {

/// The value of the line that starts with `series ` (name plus labels as
/// written), or -1 when there is none.
inline double sample_of(const std::string& text, const std::string& series) {
  std::istringstream in{text};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(series + " ", 0) == 0)
      return std::stod(line.substr(series.size() + 1));
  return -1;
}

} // namespace kagent::metrics::test
