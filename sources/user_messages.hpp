// The sentences the competition store gives users: the download progress
// line and the error for a competition no source could provide, naming
// every source it tried. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kagent::sources {

/// "downloading 34 / 120 MB" (one decimal below 10 MB; no total when unknown).
std::string download_progress_text(int64_t done_bytes, int64_t total_bytes);

/// The error of a competition in no mirror when no Kaggle credentials are
/// configured (the offline default; same words as before the store existed).
std::string offline_miss_text(const std::string& slug, const std::vector<std::string>& mirrors);

/// The error of a competition in no mirror, not in the cache, whose
/// download from Kaggle failed with `kaggle_detail`: Kaggle's part first,
/// then the other sources tried.
std::string kaggle_miss_text(const std::string& slug, const std::vector<std::string>& mirrors,
                             const std::string& cache_dir, const std::string& kaggle_detail);

} // namespace kagent::sources
