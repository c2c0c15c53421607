#include "http/ws_outbox.hpp"

namespace kagent::http {

void ws_outbox::push(std::string text, int64_t seq, bool replay) {
  if (!replay)
    live_bytes_ += text.size();
  frames_.push_back({std::move(text), seq, replay});
}

std::vector<ws_outbox::out> ws_outbox::take() {
  std::vector<out> res;
  while (!awaiting_ && !frames_.empty() && in_flight_ < window_) {
    auto& f = frames_.front();
    if (!f.replay)
      live_bytes_ -= f.text.size();
    in_flight_ += f.text.size();
    // The frame that fills the window is the one to be told about: frames
    // are written in order, so once it is written all before it are too.
    awaiting_ = in_flight_ >= window_;
    res.push_back({std::move(f.text), f.seq, awaiting_});
    frames_.pop_front();
  }
  return res;
}

void ws_outbox::acked() {
  in_flight_ = 0;
  awaiting_ = false;
}

void ws_outbox::clear() {
  frames_.clear();
  live_bytes_ = 0;
}

} // namespace kagent::http
