#include "sources/kaggle_credentials.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <rapidjson/document.h>

#include "core/error.hpp"
#include "core/json_parse.hpp"

namespace kagent::sources {

namespace {

constexpr size_t max_config_bytes = 64 * 1024;

// Python's os.path.expanduser('~'): $HOME, else the password database.
std::string home_dir(const env_lookup& env) {
  if (auto h = env("HOME"); h && *h)
    return h;
  if (auto* pw = getpwuid(getuid()); pw && pw->pw_dir)
    return pw->pw_dir;
  return "/";
}

caf::error bad_file(const std::string& path, const std::string& why) {
  return make_error(errc::invalid_input, "Kaggle credentials file " + path + ": " + why);
}

} // namespace

caf::expected<std::optional<kaggle_credentials>> load_kaggle_credentials(const env_lookup& env) {
  // The CLI takes the environment when it has both, and then never reads the file.
  auto user = env("KAGGLE_USERNAME");
  auto key = env("KAGGLE_KEY");
  if (user && key)
    return std::optional<kaggle_credentials>{kaggle_credentials{user, key, "environment", false}};
  auto dir = env("KAGGLE_CONFIG_DIR");
  auto path = (dir && *dir ? std::string{dir} : home_dir(env) + "/.kaggle") + "/kaggle.json";
  // Symlinks are followed, as the CLI does (secret mounts are links).
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return std::optional<kaggle_credentials>{};
    return bad_file(path, std::strerror(errno));
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > off_t(max_config_bytes)) {
    close(fd);
    return bad_file(path, "not a regular file of at most 64 KiB");
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  auto n = read(fd, text.data(), text.size());
  close(fd);
  if (n != static_cast<ssize_t>(text.size()))
    return bad_file(path, "cannot be read");
  rapidjson::Document doc;
  parse_json(doc, text);
  if (doc.HasParseError() || !doc.IsObject())
    return bad_file(path, "is not a JSON object");
  auto get = [&](const char* name) -> std::optional<std::string> {
    auto i = doc.FindMember(name);
    if (i == doc.MemberEnd() || !i->value.IsString())
      return std::nullopt;
    return std::string(i->value.GetString(), i->value.GetStringLength());
  };
  auto u = get("username");
  auto k = get("key");
  if (!u || !k)
    return bad_file(path, "needs the string fields \"username\" and \"key\"");
  // The CLI warns about the same bits (S_IROTH | S_IRGRP).
  bool readable = (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
  return std::optional<kaggle_credentials>{kaggle_credentials{*u, *k, path, readable}};
}

caf::expected<std::optional<kaggle_credentials>> load_kaggle_credentials() {
  return load_kaggle_credentials([](const char* name) -> const char* { return getenv(name); });
}

} // namespace kagent::sources
