#include "agent/competition_source.hpp"

#include <sys/stat.h>

namespace kagent::agent {

namespace {

bool is_dir(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

} // namespace

std::optional<competition_source>
resolve_competition(const std::vector<std::string>& mirrors, const std::string& slug) {
  for (auto& mirror : mirrors) {
    auto root = mirror + "/" + slug;
    if (!is_dir(root))
      continue;
    competition_source src;
    src.root = root;
    // MLE-bench layout: only public/ (and description.md) may ever be read.
    src.data_dir = is_dir(root + "/public") ? root + "/public" : root;
    if (is_file(root + "/description.md"))
      src.description = root + "/description.md";
    return src;
  }
  return std::nullopt;
}

} // namespace kagent::agent
