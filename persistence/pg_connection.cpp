#include "persistence/pg_connection.hpp"
#include "core/text.hpp"

#include <cstdio>
#include <cstdlib>

#include <libpq-fe.h>

#include "core/error.hpp"
#include "persistence/sqlstate.hpp"

namespace kagent::pg {

namespace {

// libpq messages end with a newline and may span lines; keep the first line.
std::string first_line(const char* msg) {
  std::string s = msg ? msg : "";
  auto nl = s.find('\n');
  if (nl != std::string::npos)
    s.resize(nl);
  return s;
}

} // namespace

param text(std::string s) {
  return {std::move(s), false, false};
}

param integer(int64_t x) {
  return {std::to_string(x), false, false};
}

param real(double x) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", x);
  return {buf, false, false};
}

param bytes(std::string b) {
  return {std::move(b), false, true};
}

param null() {
  return {{}, true, false};
}

param millis(int64_t ms) {
  return ms == 0 ? null() : integer(ms);
}

// -- result -------------------------------------------------------------------

result::result(pg_result* res) : res_(res, PQclear) {
  // nop
}

int result::rows() const {
  return PQntuples(res_.get());
}

int64_t result::affected() const {
  const char* n = PQcmdTuples(res_.get());
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

bool result::is_null(int row, int col) const {
  return PQgetisnull(res_.get(), row, col) != 0;
}

std::string result::get(int row, int col) const {
  return std::string(PQgetvalue(res_.get(), row, col), PQgetlength(res_.get(), row, col));
}

int64_t result::get_int(int row, int col) const {
  return is_null(row, col) ? 0 : std::strtoll(PQgetvalue(res_.get(), row, col), nullptr, 10);
}

double result::get_double(int row, int col) const {
  return is_null(row, col) ? 0 : std::strtod(PQgetvalue(res_.get(), row, col), nullptr);
}

std::string result::get_bytes(int row, int col) const {
  // bytea_output is 'hex' (the default since 9.0): "\x" then two digits a byte.
  auto s = get(row, col);
  std::string out;
  if (s.size() < 2 || s[0] != '\\' || s[1] != 'x')
    return s;
  out.reserve((s.size() - 2) / 2);
  for (size_t i = 2; i + 1 < s.size(); i += 2)
    out.push_back(static_cast<char>(hex_value(s[i]) * 16 + hex_value(s[i + 1])));
  return out;
}

// -- connection ---------------------------------------------------------------

connection::connection(pg_conn* conn) : conn_(conn) {
  // nop
}

connection::connection(connection&& other) noexcept : conn_(other.conn_) {
  other.conn_ = nullptr;
}

connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    if (conn_)
      PQfinish(conn_);
    conn_ = other.conn_;
    other.conn_ = nullptr;
  }
  return *this;
}

connection::~connection() {
  if (conn_)
    PQfinish(conn_);
}

caf::error reopen(std::optional<connection>& conn, const std::string& conninfo) {
  conn.reset();
  auto fresh = connection::open(conninfo);
  if (!fresh)
    return fresh.error();
  conn.emplace(std::move(*fresh));
  return caf::none;
}

caf::expected<connection> connection::open(const std::string& conninfo) {
  connection c{PQconnectdb(conninfo.c_str())};
  if (!c.conn_)
    return make_error(errc::db_unavailable, "database: out of memory");
  if (PQstatus(c.conn_) != CONNECTION_OK)
    return make_error(errc::db_unavailable,
                      "database unavailable: " + first_line(PQerrorMessage(c.conn_)));
  // Notices (e.g. "relation already exists, skipping") are not worth a log line.
  PQsetNoticeProcessor(c.conn_, [](void*, const char*) {}, nullptr);
  return c;
}

caf::error connection::error_of(pg_result* res) const {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = res ? first_line(PQresultErrorMessage(res)) : "";
  if (msg.empty())
    msg = first_line(PQerrorMessage(conn_));
  auto code = errc_from_sqlstate(state ? state : "");
  if (PQstatus(conn_) != CONNECTION_OK)
    code = errc::db_unavailable;
  return make_error(code, "database error: " + msg);
}

caf::expected<result> connection::exec(const std::string& sql,
                                       const std::vector<param>& params) {
  if (!conn_)
    return make_error(errc::db_unavailable, "database: no connection");
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (auto& p : params) {
    values.push_back(p.null ? nullptr : p.value.data());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.binary ? 1 : 0);
  }
  auto res = PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                          values.data(), lengths.data(), formats.data(), 0);
  auto st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
    return result{res};
  auto err = error_of(res);
  PQclear(res);
  return err;
}

caf::error connection::exec_script(const std::string& sql) {
  if (!conn_)
    return make_error(errc::db_unavailable, "database: no connection");
  auto res = PQexec(conn_, sql.c_str());
  auto st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  caf::error err;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    err = error_of(res);
  PQclear(res);
  return err;
}

bool connection::ok() const {
  return conn_ && PQstatus(conn_) == CONNECTION_OK;
}

bool connection::in_failed_transaction() const {
  return conn_ && PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

bool connection::in_transaction() const {
  if (!conn_)
    return false;
  auto st = PQtransactionStatus(conn_);
  return st == PQTRANS_INTRANS || st == PQTRANS_INERROR;
}

} // namespace kagent::pg
