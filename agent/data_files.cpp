#include "agent/data_files.hpp"
#include "core/text.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>

#include "agent/archive_reader.hpp"

namespace kagent::agent {

namespace {

std::string base_of(const std::string& p) {
  auto slash = p.find_last_of('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// "csv", "json" or "" for a table file name.
std::string format_of(const std::string& name) {
  auto n = to_lower(name);
  if (ends_with(n, ".csv"))
    return "csv";
  if (ends_with(n, ".json") || ends_with(n, ".jsonl"))
    return "json";
  return "";
}

void walk(const std::string& root, const std::string& rel, int depth,
          std::vector<data_file>& out, std::vector<std::string>& notes) {
  auto dir = root + "/" + rel;
  DIR* d = opendir(dir.c_str());
  if (!d)
    return;
  std::vector<std::string> names;
  while (auto* e = readdir(d))
    if (e->d_name[0] != '.')
      names.emplace_back(e->d_name);
  closedir(d);
  std::sort(names.begin(), names.end()); // deterministic order
  for (auto& name : names) {
    auto rel_path = rel + "/" + name;
    struct stat st;
    if (stat((root + "/" + rel_path).c_str(), &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode)) {
      if (depth < 2)
        walk(root, rel_path, depth + 1, out, notes);
      continue;
    }
    if (!S_ISREG(st.st_mode))
      continue;
    if (!format_of(name).empty()) {
      out.push_back({rel_path, "", format_of(name), static_cast<int64_t>(st.st_size)});
      continue;
    }
    if (!is_archive_name(name))
      continue;
    auto members = list_archive(root + "/" + rel_path);
    if (!members) {
      notes.push_back(members.error());
      continue;
    }
    for (auto& m : *members) {
      if (!m.safe) {
        notes.push_back("ignored unsafe archive member '" + m.name + "' in " + rel_path);
        continue;
      }
      if (!format_of(m.name).empty())
        out.push_back({rel_path, m.name, format_of(m.name), m.size});
    }
  }
}

// Higher is a better match of `f` for `role`; 0 means no match.
int score(const data_file& f, const std::string& role) {
  auto n = to_lower(f.base_name());
  auto stem = n.substr(0, n.find('.'));
  int s = 0;
  if (role == "sample_submission") {
    if (n.find("sample") != std::string::npos && n.find("submission") != std::string::npos)
      s = 100;
    else if (n.find("submission") != std::string::npos)
      s = 50;
  } else {
    if (n.find("sample") != std::string::npos || n.find("submission") != std::string::npos)
      return 0;
    if (stem == role)
      s = 100;
    else if (n.find(role) != std::string::npos)
      s = 50;
  }
  if (s == 0)
    return 0;
  if (f.format == "csv")
    s += 4;
  if (f.member.empty())
    s += 2;
  return s;
}

} // namespace

std::string data_file::base_name() const { return base_of(member.empty() ? path : member); }

std::string data_file::label() const { return member.empty() ? path : path + ":" + member; }

std::vector<data_file> list_data_files(const std::string& competition_dir,
                                       std::vector<std::string>& notes) {
  std::vector<data_file> out;
  walk(competition_dir, "data", 0, out, notes);
  return out;
}

result<competition_files> pick_files(const std::vector<data_file>& files) {
  competition_files cf;
  for (auto role : {"train", "test", "sample_submission"}) {
    const data_file* best = nullptr;
    int best_score = 0;
    for (auto& f : files) {
      int s = score(f, role);
      if (s > best_score) {
        best = &f;
        best_score = s;
      }
    }
    if (!best)
      return fail(std::string("no ") + role + " file found under data/ (looked for names containing '" +
                  (std::string(role) == "sample_submission" ? "submission" : role) + "')");
    auto& slot = std::string(role) == "train" ? cf.train
                 : std::string(role) == "test" ? cf.test
                                                 : cf.sample_submission;
    slot = *best;
  }
  return cf;
}

result<std::unique_ptr<byte_source>> open_data_file(const std::string& competition_dir,
                                                    const data_file& f) {
  auto full = competition_dir + "/" + f.path;
  if (f.member.empty())
    return open_file(full);
  return open_archive_member(full, f.member);
}

} // namespace kagent::agent
