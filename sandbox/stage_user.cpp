#include "sandbox/stage_user.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace kagent::sandbox {

result<identity> stage_identity(const std::string& name) {
  identity who;
  who.uid = ::getuid();
  who.gid = ::getgid();
  if (::geteuid() != 0) {
    auto* pw = ::getpwuid(who.uid);
    who.name = pw ? pw->pw_name : std::to_string(who.uid);
    return who; // already unprivileged: stages run as we do
  }
  auto* pw = ::getpwnam(name.c_str());
  if (!pw)
    return fail("stages must not run as root and the sandbox user '" + name
                + "' does not exist; run scripts/install-deps.sh or create it with: "
                  "useradd --system --no-create-home --shell /usr/sbin/nologin "
                + name);
  if (pw->pw_uid == 0 || pw->pw_gid == 0)
    return fail("the sandbox user '" + name + "' is root (uid or gid 0)");
  who.change = true;
  who.uid = pw->pw_uid;
  who.gid = pw->pw_gid;
  who.name = pw->pw_name;
  return who;
}

std::vector<etc_file> minimal_etc(const identity& who) {
  auto uid = std::to_string(who.uid), gid = std::to_string(who.gid);
  auto name = who.name.empty() ? std::string{"stage"} : who.name;
  std::string passwd = "root:x:0:0:root:/nonexistent:/usr/sbin/nologin\n";
  std::string group = "root:x:0:\n";
  if (who.uid != 0)
    passwd += name + ":x:" + uid + ":" + gid + ":kagent stage:/job:/usr/sbin/nologin\n";
  if (who.gid != 0)
    group += name + ":x:" + gid + ":\n";
  passwd += "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
  group += "nogroup:x:65534:\n";
  return {
    {"passwd", passwd},
    {"group", group},
    {"hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"},
    {"nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n"},
  };
}

const std::vector<std::string>& shared_etc_entries() {
  static const std::vector<std::string> entries = {
    "alternatives", "ca-certificates", "ld.so.cache", "localtime", "ssl/certs", "timezone",
  };
  return entries;
}

} // namespace kagent::sandbox
