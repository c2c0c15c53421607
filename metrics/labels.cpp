#include "metrics/labels.hpp"

namespace kagent::metrics {

const char* status_class(int status) {
  static const char* const classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  if (status < 100 || status > 599)
    return "other";
  return classes[status / 100 - 1];
}

} // namespace kagent::metrics
