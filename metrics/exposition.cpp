#include "metrics/exposition.hpp"

#include <prometheus/text_serializer.h>

namespace kagent::metrics {

std::string exposition_text(const prometheus::Collectable& live,
                            std::vector<prometheus::MetricFamily> extra) {
  auto families = live.Collect();
  families.insert(families.end(), std::make_move_iterator(extra.begin()),
                  std::make_move_iterator(extra.end()));
  return prometheus::TextSerializer{}.Serialize(families);
}

} // namespace kagent::metrics
