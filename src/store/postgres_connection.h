// PostgresConnection: one libpq session whose every wait is bounded, for the PostgreSQL example
// store (postgres_sink.h) and its schema (postgres_schema.h).
//
//   - Connect blocks for at most the connect timeout (libpq's connect_timeout, added to the
//     conninfo when it names none), plus name resolution;
//   - Exec sends one statement and waits for its answer up to a deadline (libpq's asynchronous
//     API and poll(2)); when the deadline passes, or the connection breaks, the session is
//     closed and the result says so (`broken`), so the caller reconnects instead of hanging
//     on a dead peer.
// Statements run in libpq's text format: parameters are text, values come back as text.
//
// Ownership: owns its PGconn. Not thread-safe: one thread uses a connection at a time (the
// sink's writer thread). Movable, not copyable.
#ifndef SHADOWDIFF_STORE_POSTGRES_CONNECTION_H_
#define SHADOWDIFF_STORE_POSTGRES_CONNECTION_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/core/result.h"

struct pg_conn;

namespace shadowdiff {

// Checks that `conninfo` is a libpq connection string ("host=... dbname=...") or URI
// ("postgresql://..."), without connecting. The error quotes libpq's complaint.
Status CheckConninfo(const std::string& conninfo);

// What one statement gave.
struct PostgresResult {
  bool ok = false;
  // !ok only: the connection is gone (closed by Exec); reconnect before the next statement.
  bool broken = false;
  std::string sqlstate;   // !ok and !broken: PostgreSQL's SQLSTATE (e.g. "22P05")
  std::string message;    // !ok: what went wrong, one line
  uint64_t affected = 0;  // rows inserted/updated/deleted
  std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt: NULL
};

class PostgresConnection {
 public:
  using Clock = std::chrono::steady_clock;

  PostgresConnection() = default;
  ~PostgresConnection();  // Close()
  PostgresConnection(PostgresConnection&& other) noexcept;
  PostgresConnection& operator=(PostgresConnection&& other) noexcept;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // Closes any current session, then connects. `conninfo` must pass CheckConninfo. Adds
  // connect_timeout (whole seconds, at least 1) and application_name when the conninfo sets
  // neither, and sets client_encoding to UTF8. The error is libpq's message, one line.
  Status Connect(const std::string& conninfo, std::chrono::seconds connect_timeout,
                 std::string_view application_name);
  bool connected() const { return conn_ != nullptr; }
  void Close();

  // Runs `sql`: one statement with $1.. text parameters, or, when `params` is empty, any
  // number of statements separated by ';' (the result is the last one's). Waits at most
  // until `deadline`. Requires connected().
  PostgresResult Exec(std::string_view sql, const std::vector<std::string>& params,
                      Clock::time_point deadline);

 private:
  pg_conn* conn_ = nullptr;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_STORE_POSTGRES_CONNECTION_H_
