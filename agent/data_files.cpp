#include "agent/data_files.hpp"
#include "core/text.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>

#include "agent/archive_reader.hpp"
#include "agent/csv_reader.hpp"

namespace kagent::agent {

namespace {

std::string base_of(const std::string& p) {
  auto slash = p.find_last_of('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// "csv", "json" or "" for a table file name.
std::string format_of(const std::string& name) {
  auto n = to_lower(name);
  for (auto ext : {".csv", ".tsv", ".tab", ".psv"})
    if (ends_with(n, ext))
      return "csv";
  for (auto ext : {".json", ".jsonl", ".ndjson"})
    if (ends_with(n, ext))
      return "json";
  return "";
}

// The delimiter a file name promises, before sniffing.
std::string default_sep(const std::string& name, const std::string& format) {
  if (format != "csv")
    return "";
  auto n = to_lower(name);
  if (ends_with(n, ".tsv") || ends_with(n, ".tab"))
    return "\t";
  if (ends_with(n, ".psv"))
    return "|";
  return ",";
}

data_file make_file(const std::string& path, const std::string& member, const std::string& name,
                    int64_t bytes) {
  auto format = format_of(name);
  return {path, member, format, bytes, default_sep(name, format)};
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
      out.push_back(make_file(rel_path, "", name, static_cast<int64_t>(st.st_size)));
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
        out.push_back(make_file(rel_path, m.name, m.name, m.size));
    }
  }
}

// True when `word` (or `word` + "ing") is a token of `name`: delimited by
// anything but a letter, so "train_2", "x_test" and "training" count and
// "contest" does not.
bool has_token(const std::string& name, const std::string& word) {
  for (size_t pos = name.find(word); pos != std::string::npos; pos = name.find(word, pos + 1)) {
    auto end = pos + word.size();
    if (name.compare(end, 3, "ing") == 0)
      end += 3;
    bool left = pos == 0 || !std::isalpha(static_cast<unsigned char>(name[pos - 1]));
    bool right = end >= name.size() || !std::isalpha(static_cast<unsigned char>(name[end]));
    if (left && right)
      return true;
  }
  return false;
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
    else if (has_token(stem, role))
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

bool is_submission_name(const data_file& f) {
  return to_lower(f.base_name()).find("submission") != std::string::npos;
}

result<competition_files> pick_files(const std::vector<data_file>& files) {
  competition_files cf;
  for (auto role : {"sample_submission", "train", "test"}) {
    const data_file* best = nullptr;
    int best_score = 0;
    for (auto& f : files) {
      int s = score(f, role);
      if (s > best_score) {
        best = &f;
        best_score = s;
      }
    }
    if (!best && std::string(role) == "sample_submission")
      return fail("no sample submission found under data/ (looked for a table whose name "
                  "contains 'submission')");
    if (!best) {
      cf.notes.push_back(std::string("no file named '") + role + "' under data/");
      continue;
    }
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

void sniff_separator_of(const std::string& competition_dir, data_file& f) {
  if (f.format != "csv")
    return;
  auto src = open_data_file(competition_dir, f);
  if (!src)
    return;
  std::string head;
  char buf[65536];
  long n = (*src)->read(buf, sizeof(buf));
  if (n > 0)
    head.assign(buf, static_cast<size_t>(n));
  if (head.find('\n') == std::string::npos && head.find('\r') == std::string::npos &&
      f.sep != ",")
    return; // no complete first line: keep what the name promised
  f.sep = std::string(1, sniff_separator(head));
}

} // namespace kagent::agent
