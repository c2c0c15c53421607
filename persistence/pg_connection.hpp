// A thin RAII layer over libpq: one connection, parameterised statements with
// text (or binary) parameters, text results, and errors translated into
// kagent's enum. Synchronous; only detached actors and start-up code call it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "core/error.hpp"

struct pg_conn;
struct pg_result;

namespace kagent::pg {

/// One statement parameter: text, NULL, or binary bytes (for bytea).
struct param {
  std::string value;
  bool null = false;
  bool binary = false;
};

/// A text parameter.
param text(std::string s);

/// A bigint parameter.
param integer(int64_t x);

/// A double precision parameter.
param real(double x);

/// A binary parameter for a bytea column; may hold NUL bytes.
param bytes(std::string b);

/// SQL NULL.
param null();

/// A timestamp given in milliseconds since the epoch; 0 becomes NULL.
param millis(int64_t ms);

/// The rows a statement returned, all values in text format.
class result {
public:
  /// Takes ownership of a libpq result.
  explicit result(pg_result* res);

  /// Number of rows.
  int rows() const;

  /// Rows changed by an INSERT/UPDATE/DELETE.
  int64_t affected() const;

  /// True when the value is SQL NULL.
  bool is_null(int row, int col) const;

  /// The text value ("" for NULL).
  std::string get(int row, int col) const;

  /// The value as an integer (0 for NULL).
  int64_t get_int(int row, int col) const;

  /// The value as a double (0 for NULL).
  double get_double(int row, int col) const;

  /// A bytea value decoded from its hex text form.
  std::string get_bytes(int row, int col) const;

private:
  std::shared_ptr<pg_result> res_;
};

/// One open connection; movable, closed on destruction.
class connection {
public:
  /// Connects with a libpq conninfo string or URL; never logs it.
  static caf::expected<connection> open(const std::string& conninfo);

  connection(connection&&) noexcept;
  connection& operator=(connection&&) noexcept;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  /// Runs one statement with parameters ($1, $2, ...).
  caf::expected<result> exec(const std::string& sql, const std::vector<param>& params = {});

  /// Runs a script of several statements without parameters.
  caf::error exec_script(const std::string& sql);

  /// True while the connection is usable.
  bool ok() const;

  /// True when the open transaction has failed and needs a ROLLBACK.
  bool in_failed_transaction() const;

  /// True while a transaction block is open (failed or not).
  bool in_transaction() const;

private:
  explicit connection(pg_conn* conn);
  caf::error error_of(pg_result* res) const;

  pg_conn* conn_ = nullptr;
};

/// Drops `conn` and opens a fresh connection in its place; empty on failure.
caf::error reopen(std::optional<connection>& conn, const std::string& conninfo);

} // namespace kagent::pg
