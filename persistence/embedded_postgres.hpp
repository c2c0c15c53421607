// The private PostgreSQL cluster kagentd runs when no database URL is
// configured (docs/ARCHITECTURE.md, storage): initdb on first use, started on a Unix socket only,
// as the `postgres` user when we are root, stopped with the handle. It lives
// in <data_dir>/pg (or where pg_dir says), never anywhere else: the data dir
// is the whole state. The `postgres` user is given search on the directories
// above it where it lacks that (an ACL entry for it alone), or start fails.
#pragma once

#include <string>
#include <sys/types.h>

#include <caf/expected.hpp>

namespace kagent::pg {

/// Where the cluster lives and which PostgreSQL binaries run it.
struct embedded_options {
  std::string data_dir;  ///< kagent's data dir; the cluster goes in <data_dir>/pg
  std::string pg_dir{};  ///< the cluster directory instead, when set
  std::string pg_bin = "/usr/lib/postgresql/15/bin";
  int start_timeout_s = 30;  ///< readiness deadline
  int stop_timeout_s = 30;   ///< fast-shutdown deadline before SIGKILL
};

/// A running embedded cluster; move-only; stopped on destruction.
class embedded_postgres {
public:
  using options = embedded_options;

  /// Creates (first time) and starts the cluster, waiting until it accepts
  /// connections. Call from a long-lived thread (the main thread): the server
  /// gets SIGTERM when the calling thread dies.
  static caf::expected<embedded_postgres> start(const options& opts);

  embedded_postgres(embedded_postgres&& other) noexcept;
  embedded_postgres& operator=(embedded_postgres&& other) noexcept;
  embedded_postgres(const embedded_postgres&) = delete;
  embedded_postgres& operator=(const embedded_postgres&) = delete;
  ~embedded_postgres();

  /// libpq conninfo of the `kagent` database (Unix socket, no password).
  std::string conninfo() const;

  /// The cluster directory (PGDATA).
  const std::string& cluster_dir() const {
    return cluster_dir_;
  }

  /// The directory holding the server's Unix socket.
  const std::string& socket_dir() const {
    return socket_dir_;
  }

  /// The postmaster's pid, 0 once stopped.
  pid_t pid() const {
    return pid_;
  }

  /// Fast shutdown (SIGINT), SIGKILL after the deadline; idempotent.
  void stop();

private:
  embedded_postgres() = default;

  std::string cluster_dir_;
  std::string socket_dir_;
  pid_t pid_ = 0;
  int stop_timeout_s_ = 30;
};

} // namespace kagent::pg
