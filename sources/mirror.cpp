#include "sources/mirror.hpp"

#include <sys/stat.h>

namespace kagent::sources {

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

std::optional<mirror_entry> find_in_mirror(const std::string& mirror, const std::string& slug) {
  auto root = mirror + "/" + slug;
  if (!is_dir(root))
    return std::nullopt;
  mirror_entry e;
  e.root = root;
  // MLE-bench layout: only public/ (and description.md) may ever be read.
  e.data_dir = is_dir(root + "/public") ? root + "/public" : root;
  if (is_file(root + "/description.md"))
    e.description = root + "/description.md";
  return e;
}

std::optional<mirror_entry> find_in_mirrors(const std::vector<std::string>& mirrors,
                                            const std::string& slug) {
  for (auto& mirror : mirrors)
    if (auto e = find_in_mirror(mirror, slug))
      return e;
  return std::nullopt;
}

} // namespace kagent::sources
