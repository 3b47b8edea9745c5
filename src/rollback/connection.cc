// Connection and Rows: owning wrappers of libpq's PGconn and PGresult (rollback.h).
#include <libpq-fe.h>

#include <charconv>
#include <string>
#include <utility>

#include "src/rollback/rollback.h"

namespace shadowdiff::rollback {

// ---- Connection ----------------------------------------------------------------------------

Result<Connection> Connection::Open(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr) {
    return Error{"cannot connect to PostgreSQL: libpq could not allocate a connection"};
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    return Error{"cannot connect to PostgreSQL: " + message +
                 " (check the conninfo: host, port, dbname, user)"};
  }
  return Connection(conn);
}

Connection::Connection(Connection&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
  }
  return *this;
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

bool Connection::healthy() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }

// ---- Rows ----------------------------------------------------------------------------------

Rows::Rows(Rows&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}

Rows& Rows::operator=(Rows&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

Rows::~Rows() {
  if (result_ != nullptr) PQclear(result_);
}

int Rows::size() const { return result_ == nullptr ? 0 : PQntuples(result_); }

int Rows::columns() const { return result_ == nullptr ? 0 : PQnfields(result_); }

int Rows::affected() const {
  if (result_ == nullptr) return 0;
  std::string_view text = PQcmdTuples(result_);  // "" for statements that affect no rows
  int count = 0;
  std::from_chars(text.data(), text.data() + text.size(), count);
  return count;
}

bool Rows::is_null(int row, int column) const {
  if (result_ == nullptr || row < 0 || row >= size() || column < 0 || column >= columns()) {
    return true;
  }
  return PQgetisnull(result_, row, column) != 0;
}

std::string_view Rows::get(int row, int column) const {
  if (is_null(row, column)) return {};
  return std::string_view(PQgetvalue(result_, row, column),
                          static_cast<size_t>(PQgetlength(result_, row, column)));
}

int Rows::column(std::string_view name) const {
  // Exact comparison (PQfnumber would fold case and parse quotes).
  for (int i = 0; i < columns(); ++i) {
    if (name == PQfname(result_, i)) return i;
  }
  return -1;
}

}  // namespace shadowdiff::rollback
