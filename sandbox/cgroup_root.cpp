#include "sandbox/cgroup_root.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <sstream>

#include "sandbox/cgroup_files.hpp"
#include "sandbox/stage_cgroup.hpp"

namespace kagent::sandbox {

using namespace detail;

namespace {

constexpr const char* prefix = "kagent.";

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in{s};
  while (std::getline(in, cur, sep))
    out.push_back(cur);
  return out;
}

/// `path` of our hierarchy as a directory below `m`'s mount point.
std::string under_mount(const cgroup_mount& m, const std::string& path) {
  auto rel = path;
  // In a cgroup namespace the mount root is a prefix of the path.
  if (m.root != "/" && rel.compare(0, m.root.size(), m.root) == 0)
    rel = rel.substr(m.root.size());
  if (!rel.empty() && rel.back() == '/')
    rel.pop_back();
  return m.mount_point + rel;
}

const cgroup_mount* v1_mount(const std::vector<cgroup_mount>& mounts, const std::string& ctl) {
  for (auto& m : mounts)
    if (!m.v2)
      for (auto& c : m.controllers)
        if (c == ctl)
          return &m;
  return nullptr;
}

bool make_dir(const std::string& dir, std::string& why) {
  if (::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST)
    return true;
  why = "cannot create " + dir + ": " + std::strerror(errno);
  return false;
}

/// v2: controllers must be enabled in every parent's subtree_control. A
/// parent with processes (ours) refuses (EBUSY), so we move into a leaf first.
bool enable_v2(const std::string& own, std::string& why) {
  const std::string want = "+memory +pids";
  if (write_text(own + "/cgroup.subtree_control", want) == 0)
    return true;
  auto leaf = own + "/kagentd";
  if (!make_dir(leaf, why))
    return false;
  if (int err = write_text(leaf + "/cgroup.procs", std::to_string(::getpid()))) {
    why = "cannot move into " + leaf + ": " + std::strerror(err);
    return false;
  }
  if (int err = write_text(own + "/cgroup.subtree_control", want)) {
    why = "cannot enable memory and pids in " + own + ": " + std::strerror(err);
    return false;
  }
  return true;
}

bool alive(pid_t pid) {
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

/// Roots of kagent processes that are gone: kill their leftovers, remove them.
void remove_stale(const std::string& parent, cgroup_version version) {
  DIR* d = ::opendir(parent.c_str());
  if (!d)
    return;
  std::vector<std::string> stale;
  while (auto* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.compare(0, std::strlen(prefix), prefix) != 0)
      continue;
    auto pid = std::atol(name.c_str() + std::strlen(prefix));
    if (pid > 0 && pid != ::getpid() && !alive(static_cast<pid_t>(pid)))
      stale.push_back(parent + "/" + name);
  }
  ::closedir(d);
  for (auto& root : stale) {
    if (DIR* s = ::opendir(root.c_str())) {
      std::vector<std::string> stages;
      while (auto* e = ::readdir(s))
        if (e->d_type == DT_DIR && e->d_name[0] != '.')
          stages.push_back(root + "/" + e->d_name);
      ::closedir(s);
      for (auto& dir : stages) {
        kill_members(dir, version);
        ::rmdir(dir.c_str());
      }
    }
    ::rmdir(root.c_str());
  }
}

std::string parent_of(const std::string& dir) {
  return dir.substr(0, dir.rfind('/'));
}

} // namespace

std::string cgroup_root::describe() const {
  return version == cgroup_version::v1 ? "cgroup v1 (memory, pids)" : "cgroup v2 (memory, pids)";
}

std::map<std::string, std::string> parse_proc_cgroup(const std::string& text) {
  std::map<std::string, std::string> out;
  for (auto& line : split(text, '\n')) {
    auto a = line.find(':');
    auto b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos)
      continue;
    auto path = line.substr(b + 1);
    auto ctls = line.substr(a + 1, b - a - 1);
    if (ctls.empty())
      out[""] = path;
    for (auto& c : split(ctls, ','))
      out[c] = path;
  }
  return out;
}

std::vector<cgroup_mount> parse_cgroup_mounts(const std::string& mountinfo) {
  std::vector<cgroup_mount> out;
  for (auto& line : split(mountinfo, '\n')) {
    // id parent major:minor root mount-point options [optional...] - fstype source super
    auto fields = split(line, ' ');
    size_t dash = 0;
    while (dash < fields.size() && fields[dash] != "-")
      ++dash;
    if (fields.size() < 5 || dash + 1 >= fields.size())
      continue;
    auto& fstype = fields[dash + 1];
    if (fstype != "cgroup" && fstype != "cgroup2")
      continue;
    cgroup_mount m{fields[3], fields[4], fstype == "cgroup2", {}};
    if (!m.v2 && dash + 3 < fields.size())
      for (auto& opt : split(fields[dash + 3], ','))
        if (opt != "rw" && opt != "ro" && opt.find('=') == std::string::npos)
          m.controllers.push_back(opt);
    out.push_back(std::move(m));
  }
  return out;
}

result<cgroup_root> plan_cgroup_root(const std::map<std::string, std::string>& own,
                                     const std::vector<cgroup_mount>& mounts,
                                     const std::string& name) {
  auto* mem = v1_mount(mounts, "memory");
  auto* pids = v1_mount(mounts, "pids");
  if (mem && pids && own.count("memory") && own.count("pids"))
    return cgroup_root{cgroup_version::v1, under_mount(*mem, own.at("memory")) + "/" + name,
                       under_mount(*pids, own.at("pids")) + "/" + name};
  for (auto& m : mounts)
    if (m.v2 && own.count("")) {
      auto dir = under_mount(m, own.at("")) + "/" + name;
      return cgroup_root{cgroup_version::v2, dir, dir};
    }
  return fail(std::string{"no cgroup to limit stages: neither the v1 memory and pids"
                          " hierarchies nor cgroup v2 are mounted"}
              + (mem || pids ? " (v1 has only " + std::string{mem ? "memory" : "pids"} + ")"
                             : ""));
}

result<cgroup_root> make_cgroup_root() {
  auto name = prefix + std::to_string(::getpid());
  auto root = plan_cgroup_root(parse_proc_cgroup(read_text("/proc/self/cgroup")),
                               parse_cgroup_mounts(read_text("/proc/self/mountinfo")), name);
  if (!root)
    return root;
  std::string why;
  if (root->version == cgroup_version::v2) {
    auto own = parent_of(root->memory_dir);
    if (!enable_v2(own, why))
      return fail(why);
    remove_stale(own, root->version);
    if (!make_dir(root->memory_dir, why)
        || write_text(root->memory_dir + "/cgroup.subtree_control", "+memory +pids") != 0)
      return fail(why.empty() ? "cannot enable memory and pids in " + root->memory_dir : why);
    return root;
  }
  for (auto* dir : {&root->memory_dir, &root->pids_dir}) {
    remove_stale(parent_of(*dir), root->version);
    if (!make_dir(*dir, why))
      return fail(why);
  }
  return root;
}

void remove_cgroup_root(const cgroup_root& root) {
  ::rmdir(root.memory_dir.c_str());
  if (root.pids_dir != root.memory_dir)
    ::rmdir(root.pids_dir.c_str());
}

} // namespace kagent::sandbox
