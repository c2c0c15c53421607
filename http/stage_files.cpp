#include "http/stage_files.hpp"

namespace kagent::http {

namespace {

const std::vector<stage_file> files{
  {"solution.py", "generate", "text/x-python"},
  {"profile.json", "analyze", "application/json"},
  {"plan.json", "plan", "application/json"},
  {"metrics.json", "train", "application/json"},
  {"validation.json", "train", "application/json"},
};

} // namespace

const std::vector<stage_file>& stage_files() {
  return files;
}

const stage_file* find_stage_file(const std::string& name) {
  for (auto& f : files)
    if (name == f.name)
      return &f;
  return nullptr;
}

} // namespace kagent::http
