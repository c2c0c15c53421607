#include "actors/stage_output.hpp"

#include "actors/stage_line.hpp"
#include "core/clock.hpp"
#include "sandbox/job_dir.hpp"

namespace kagent {

job_event to_event(const stage_request& req, sandbox::child_stream stream,
                   const std::string& line, line_memory& mem) {
  job_event ev{req.job_id, 0, now_ms(), req.stage, "log", line, -1};
  if (stream == sandbox::child_stream::err && !line.empty())
    mem.last_stderr = line;
  if (stream != sandbox::child_stream::out)
    return ev;
  auto parsed = parse_stage_line(line);
  if (parsed.is_error) {
    mem.json_error = parsed.message;
    ev.message = parsed.message;
  } else if (parsed.kind == "progress") {
    ev.kind = "progress";
    ev.progress = parsed.progress;
    ev.message = std::move(parsed.message);
  }
  return ev;
}

void read_outputs(const stage_request& req, int64_t max_bytes, stage_result& res) {
  if (req.outputs.empty())
    return;
  auto dir = sandbox::open_directory(req.job_dir);
  if (!dir) {
    res.error = dir.error();
    return;
  }
  for (auto& name : req.outputs) {
    auto file = sandbox::read_output(dir->get(), name, max_bytes);
    if (!file) {
      if (!res.unsafe_output)
        res.error = file.error();
      res.unsafe_output = true;
    } else if (*file) {
      res.outputs.emplace(name, std::move(**file));
    }
  }
}

std::string failure_reason(const sandbox::child_exit& ex, const line_memory& mem,
                           int64_t memory_limit) {
  if (ex.code == 0 && ex.signal == 0)
    return {};
  if (ex.usage.oom_kills > 0)
    return "ran out of memory (the stage may use " + std::to_string(memory_limit)
           + " bytes in all)";
  if (!mem.json_error.empty())
    return mem.json_error;
  if (!mem.last_stderr.empty())
    return mem.last_stderr;
  return ex.signal != 0 ? "killed by signal " + std::to_string(ex.signal)
                        : "exited with code " + std::to_string(ex.code);
}

} // namespace kagent
