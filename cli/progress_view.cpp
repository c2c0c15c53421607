#include "cli/progress_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace kagent::cli {

namespace {

constexpr int bar_width = 24;

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Stage output is untrusted: no escape sequences or line breaks reach the terminal.
std::string printable(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c == '\n' || c == '\r' || c == '\t')
      out += ' ';
    else if (c >= 0x20 && c != 0x7f)
      out += static_cast<char>(c);
  }
  return out;
}

stage_view named(const std::string& name) {
  stage_view s;
  s.name = name;
  return s;
}

stage_view& stage_of(progress_state& state, const std::string& name) {
  for (auto& s : state.stages)
    if (s.name == name)
      return s;
  state.stages.push_back(named(name));
  return state.stages.back();
}

int percent(double p) {
  return static_cast<int>(std::lround(std::clamp(p, 0.0, 1.0) * 100));
}

std::string bar(double p) {
  int filled = static_cast<int>(std::clamp(p, 0.0, 1.0) * bar_width);
  return "[" + std::string(filled, '#') + std::string(bar_width - filled, '.') + "]";
}

std::string with_message(std::string head, const std::string& message) {
  if (!message.empty())
    head += " " + printable(message);
  return head;
}

} // namespace

progress_state initial_progress() {
  progress_state s;
  for (auto name : {"analyze", "plan", "generate", "train"})
    s.stages.push_back(named(name));
  return s;
}

void apply(progress_state& state, const stream_event& ev) {
  if (ev.kind == "status") {
    state.final_status = ev.message;
    bool ok = ev.message.rfind("success", 0) == 0;
    for (auto& s : state.stages)
      if (s.phase == stage_phase::running)
        s.phase = ok ? stage_phase::done : stage_phase::failed;
    return;
  }
  if (ev.stage.empty())
    return;
  auto& s = stage_of(state, ev.stage);
  if (ev.kind == "stage_started") {
    s.phase = stage_phase::running;
    s.progress = 0;
    s.message = printable(ev.message);
  } else if (ev.kind == "progress") {
    s.phase = stage_phase::running;
    if (ev.progress >= 0)
      s.progress = std::clamp(ev.progress, 0.0, 1.0);
    s.message = printable(ev.message);
  } else if (ev.kind == "stage_finished") {
    s.phase = stage_phase::done;
    s.progress = 1;
    if (!ev.message.empty())
      s.message = printable(ev.message);
  } else if (ev.kind == "retry") {
    ++s.attempt;
    s.phase = stage_phase::running;
    s.progress = 0;
    s.message = with_message("retry:", ev.message);
  } else if (ev.kind == "resumed") {
    s.phase = stage_phase::running;
    s.message = with_message("resumed", ev.message);
  } else if (ev.kind == "cancel") {
    s.message = with_message("cancelling", ev.message);
  } else if (!ev.message.empty()) {
    s.message = printable(ev.message); // log lines and anything newer: the last message
  }
}

std::vector<std::string> render_bars(const progress_state& state, int width) {
  std::vector<std::string> lines;
  for (auto& s : state.stages) {
    char head[64];
    std::snprintf(head, sizeof head, "%-9s", s.name.c_str());
    std::string line = head + bar(s.progress);
    switch (s.phase) {
    case stage_phase::pending:
      line += "    -";
      break;
    case stage_phase::done:
      line += "  done";
      break;
    case stage_phase::failed:
      line += "  FAIL";
      break;
    case stage_phase::running: {
      char pct[16];
      std::snprintf(pct, sizeof pct, " %3d%%", percent(s.progress));
      line += pct;
      break;
    }
    }
    if (s.attempt > 1)
      line += " (attempt " + std::to_string(s.attempt) + ")";
    if (!s.message.empty() && s.phase != stage_phase::pending)
      line += "  " + s.message;
    lines.push_back(fit_columns(line, width));
  }
  return lines;
}

std::string plain_line(const stream_event& ev) {
  if (ev.kind == "status")
    return "status: " + printable(ev.message);
  std::string head = "[" + (ev.stage.empty() ? std::string{"-"} : ev.stage) + "]";
  if (ev.kind == "progress")
    return with_message(head + " " + std::to_string(percent(ev.progress)) + "%", ev.message);
  if (ev.kind == "stage_started")
    return with_message(head + " started", ev.message);
  if (ev.kind == "stage_finished")
    return with_message(head + " finished", ev.message);
  if (ev.kind == "log")
    return ev.message.empty() ? std::string{} : head + " " + printable(ev.message);
  return with_message(head + " " + ev.kind + ":", ev.message);
}

std::string log_line(const stream_event& ev) {
  return ev.time + " [" + (ev.stage.empty() ? std::string{"-"} : ev.stage) + "] " + ev.kind + ": "
         + printable(ev.message);
}

std::string fit_columns(const std::string& s, int columns) {
  if (columns <= 0)
    return {};
  int count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (is_continuation(static_cast<unsigned char>(s[i])))
      continue;
    if (++count > columns) {
      // Cut before the code point that does not fit, leaving room for "…".
      size_t cut = i;
      size_t j = cut;
      do {
        --j;
      } while (j > 0 && is_continuation(static_cast<unsigned char>(s[j])));
      return s.substr(0, j) + "\xE2\x80\xA6";
    }
  }
  return s;
}

} // namespace kagent::cli
