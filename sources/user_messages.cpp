#include "sources/user_messages.hpp"

#include <cstdio>

namespace kagent::sources {

namespace {

std::string megabytes(int64_t bytes, bool decimal) {
  char buf[32];
  double mb = static_cast<double>(bytes) / (1024.0 * 1024.0);
  std::snprintf(buf, sizeof buf, decimal ? "%.1f" : "%.0f", mb);
  return buf;
}

std::string joined(const std::vector<std::string>& xs) {
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : ", ") + x;
  return out;
}

} // namespace

std::string download_progress_text(int64_t done_bytes, int64_t total_bytes) {
  constexpr int64_t ten_mb = 10LL << 20;
  if (total_bytes <= 0)
    return "downloading " + megabytes(done_bytes, done_bytes < ten_mb) + " MB";
  bool decimal = total_bytes < ten_mb;
  return "downloading " + megabytes(done_bytes, decimal) + " / " + megabytes(total_bytes, decimal)
         + " MB";
}

std::string offline_miss_text(const std::string& slug, const std::vector<std::string>& mirrors) {
  return "competition '" + slug + "' is not in the local mirrors (" + joined(mirrors)
         + ") and no Kaggle API credentials are configured";
}

std::string kaggle_miss_text(const std::string& slug, const std::vector<std::string>& mirrors,
                             const std::string& cache_dir, const std::string& kaggle_detail) {
  // What Kaggle said comes first: it is what the user acts on.
  auto detail = kaggle_detail;
  if (!detail.empty() && detail.back() != '.' && detail.back() != '?' && detail.back() != '!')
    detail += '.';
  return "competition '" + slug + "' could not be fetched from the Kaggle API: " + detail
         + " It is not in the local mirrors (" + joined(mirrors) + ") or the download cache ("
         + cache_dir + ") either.";
}

} // namespace kagent::sources
