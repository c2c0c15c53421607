// The three follow sinks (declared in follow.hpp).
#include <ostream>

#include "cli/follow.hpp"
#include "cli/progress_view.hpp"

namespace kagent::cli {

namespace {

class plain_sink : public follow_sink {
public:
  plain_sink(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

  void on_event(const stream_event& ev) override {
    if (ev.kind == "status")
      saw_status_ = true;
    auto line = plain_line(ev);
    if (!line.empty())
      out_ << line << std::endl; // flushed: a pipe sees each line as it happens
  }

  void notice(const std::string& text) override { err_ << "kagent: " << text << std::endl; }

  void finish(const std::string& status) override {
    if (!saw_status_)
      out_ << "status: " << status << std::endl;
  }

private:
  std::ostream& out_;
  std::ostream& err_;
  bool saw_status_ = false;
};

class log_sink : public follow_sink {
public:
  log_sink(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

  void on_event(const stream_event& ev) override { out_ << log_line(ev) << std::endl; }

  void notice(const std::string& text) override { err_ << "kagent: " << text << std::endl; }

  void finish(const std::string&) override {}

private:
  std::ostream& out_;
  std::ostream& err_;
};

class bar_sink : public follow_sink {
public:
  bar_sink(std::ostream& out, int width) : out_(out), width_(width), state_(initial_progress()) {}

  void on_event(const stream_event& ev) override {
    apply(state_, ev);
    redraw();
  }

  void notice(const std::string& text) override {
    // Printed below the bars; the next redraw starts a fresh block under it.
    out_ << "\x1b[2K" << fit_columns("kagent: " + text, width_) << "\n";
    drawn_ = 0;
    redraw();
  }

  void finish(const std::string& status) override {
    redraw();
    auto shown = state_.final_status.empty() ? status : state_.final_status;
    out_ << fit_columns("status: " + shown, width_) << std::endl;
  }

private:
  void redraw() {
    auto lines = render_bars(state_, width_ - 1); // the last column would wrap on some terminals
    std::string s;
    if (drawn_ > 0)
      s += "\x1b[" + std::to_string(drawn_) + "F"; // to column 1, drawn_ lines up
    for (auto& l : lines)
      s += "\x1b[2K" + l + "\n";
    out_ << s << std::flush;
    drawn_ = static_cast<int>(lines.size());
  }

  std::ostream& out_;
  int width_;
  progress_state state_;
  int drawn_ = 0;
};

} // namespace

std::unique_ptr<follow_sink> make_plain_sink(std::ostream& out, std::ostream& err) {
  return std::make_unique<plain_sink>(out, err);
}

std::unique_ptr<follow_sink> make_bar_sink(std::ostream& out, int width) {
  return std::make_unique<bar_sink>(out, width);
}

std::unique_ptr<follow_sink> make_log_sink(std::ostream& out, std::ostream& err) {
  return std::make_unique<log_sink>(out, err);
}

} // namespace kagent::cli
