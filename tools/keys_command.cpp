#include "tools/keys_command.hpp"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>

#include "config/kagent_config.hpp"
#include "core/api_key.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "persistence/embedded_postgres.hpp"
#include "persistence/key_repository.hpp"
#include "persistence/migrations.hpp"
#include "persistence/pg_connection.hpp"

namespace kagent {

namespace {

constexpr const char* usage =
  "usage: kagentd keys create --name=NAME [--admin] [--database-url=URL | --data-dir=DIR]\n"
  "       kagentd keys list   [--database-url=URL | --data-dir=DIR]\n"
  "       kagentd keys revoke --name=NAME [--database-url=URL | --data-dir=DIR]\n"
  "A created key is printed once; the server stores only its SHA-256. A key sees\n"
  "and cancels only its own jobs; an --admin key sees all.\n";

int fail(const std::string& what, int code = 1) {
  std::cerr << "kagentd keys: " << what << std::endl;
  return code;
}

int create(pg::connection& conn, const std::string& name, bool admin) {
  if (!is_valid_key_name(name))
    return fail("--name must be 1-64 of A-Z a-z 0-9 _ . -", 2);
  auto key = new_api_key();
  if (auto err = pg::create_key(conn, name, hash_api_key(key), key.substr(0, 12), admin))
    return fail(detail_of(err));
  std::cerr << "created " << (admin ? "admin " : "") << "key '" << name
            << "'; it is shown only now:" << std::endl;
  std::cout << key << std::endl;
  return 0;
}

int list(pg::connection& conn) {
  auto keys = pg::list_keys(conn);
  if (!keys)
    return fail(detail_of(keys.error()));
  printf("%-24s %-14s %-6s %-28s %s\n", "NAME", "PREFIX", "ADMIN", "CREATED", "STATE");
  for (auto& k : *keys)
    printf("%-24s %-14s %-6s %-28s %s\n", k.name.c_str(), (k.prefix + "…").c_str(),
           k.admin ? "admin" : "-", iso8601(k.created_at).c_str(),
           k.revoked_at ? ("revoked " + iso8601(k.revoked_at)).c_str() : "live");
  return 0;
}

} // namespace

bool is_keys_command(int argc, char** argv) {
  return argc >= 2 && std::strcmp(argv[1], "keys") == 0;
}

int run_keys_command(int argc, char** argv) {
  if (argc < 3 || !std::strcmp(argv[2], "--help") || !std::strcmp(argv[2], "-h")) {
    std::cout << usage;
    return argc < 3 ? 2 : 0;
  }
  std::string action = argv[2], name;
  bool admin = false;
  // --name and --admin are ours; the rest are kagentd's own options.
  std::vector<std::string> rest;
  for (int i = 3; i < argc; ++i) {
    if (!std::strncmp(argv[i], "--name=", 7))
      name = argv[i] + 7;
    else if (!std::strcmp(argv[i], "--admin"))
      admin = true;
    else
      rest.push_back(argv[i]);
  }
  kagent_config cfg;
  if (auto err = cfg.read_options(rest, getenv); !err.empty())
    return fail(err, 2);
  if (cfg.loaded.action != option_action::run)
    return fail("keys takes --name, --admin and the database options; see kagentd keys --help", 2);
  auto& opts = cfg.opts;
  std::optional<pg::embedded_postgres> embedded;
  auto conninfo = opts.database.url;
  if (conninfo.empty()) {
    auto pg = pg::embedded_postgres::start(
      {opts.pipeline.data_dir, opts.database.pg_dir, opts.database.pg_bin});
    if (!pg)
      return fail("embedded PostgreSQL in " + opts.pipeline.data_dir + ": "
                    + detail_of(pg.error())
                    + " (stop kagentd first, or give --database-url)");
    embedded.emplace(std::move(*pg));
    conninfo = embedded->conninfo();
  }
  auto conn = pg::connection::open(conninfo);
  if (!conn)
    return fail("database: " + detail_of(conn.error()));
  if (auto err = pg::migrate(*conn))
    return fail("schema migration: " + detail_of(err));
  if (action == "create")
    return name.empty() ? fail("create needs --name=NAME", 2) : create(*conn, name, admin);
  if (action == "list")
    return list(*conn);
  if (action == "revoke") {
    if (name.empty())
      return fail("revoke needs --name=NAME", 2);
    if (auto err = pg::revoke_key(*conn, name))
      return fail(detail_of(err));
    std::cerr << "revoked key '" << name << "'" << std::endl;
    return 0;
  }
  std::cerr << usage;
  return 2;
}

} // namespace kagent
