#include "src/store/postgres_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <utility>

namespace shadowdiff {
namespace {

// libpq messages end in a newline and may span lines; a log field wants one line.
std::string OneLine(const char* text) {
  std::string out;
  for (const char* p = text != nullptr ? text : ""; *p != '\0'; ++p) {
    const bool space = *p == '\n' || *p == '\t' || *p == ' ';
    if (space && (out.empty() || out.back() == ' ')) continue;  // collapse runs
    out.push_back(space ? ' ' : *p);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? "unknown error" : out;
}

// Waits for `events` on the connection's socket until `deadline`. False on timeout or a
// poll error.
bool WaitSocket(pg_conn* conn, short events, PostgresConnection::Clock::time_point deadline) {
  const int fd = PQsocket(conn);
  if (fd < 0) return false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - PostgresConnection::Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

}  // namespace

Status CheckConninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    std::string message = error != nullptr ? OneLine(error) : "out of memory";
    if (error != nullptr) PQfreemem(error);
    return Error{"store.postgres is not a valid libpq connection string (" + message +
                 "); write it as \"host=... port=... dbname=... user=...\" or "
                 "\"postgresql://user@host:port/dbname\""};
  }
  PQconninfoFree(options);
  return Status();
}

PostgresConnection::~PostgresConnection() { Close(); }

PostgresConnection::PostgresConnection(PostgresConnection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)) {}

PostgresConnection& PostgresConnection::operator=(PostgresConnection&& other) noexcept {
  if (this != &other) {
    Close();
    conn_ = std::exchange(other.conn_, nullptr);
  }
  return *this;
}

void PostgresConnection::Close() {
  if (conn_ != nullptr) {
    PQfinish(conn_);
    conn_ = nullptr;
  }
}

Status PostgresConnection::Connect(const std::string& conninfo,
                                   std::chrono::seconds connect_timeout,
                                   std::string_view application_name) {
  Close();
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &error);
  if (parsed == nullptr) {
    std::string message = error != nullptr ? OneLine(error) : "out of memory";
    if (error != nullptr) PQfreemem(error);
    return Error{message};
  }
  std::vector<std::string> keys;
  std::vector<std::string> values;
  bool has_timeout = false;
  bool has_name = false;
  for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view key = o->keyword;
    if (key == "client_encoding") continue;  // always UTF8: records are UTF-8 JSON
    has_timeout = has_timeout || key == "connect_timeout";
    has_name = has_name || key == "application_name";
    keys.emplace_back(key);
    values.emplace_back(o->val);
  }
  PQconninfoFree(parsed);
  if (!has_timeout) {
    keys.emplace_back("connect_timeout");
    values.push_back(std::to_string(std::max<int64_t>(1, connect_timeout.count())));
  }
  if (!has_name) {
    keys.emplace_back("application_name");
    values.emplace_back(application_name);
  }
  keys.emplace_back("client_encoding");
  values.emplace_back("UTF8");
  std::vector<const char*> key_ptrs;
  std::vector<const char*> value_ptrs;
  for (size_t i = 0; i < keys.size(); ++i) {
    key_ptrs.push_back(keys[i].c_str());
    value_ptrs.push_back(values[i].c_str());
  }
  key_ptrs.push_back(nullptr);
  value_ptrs.push_back(nullptr);
  pg_conn* conn = PQconnectdbParams(key_ptrs.data(), value_ptrs.data(), /*expand_dbname=*/0);
  if (conn == nullptr) return Error{"out of memory"};
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = OneLine(PQerrorMessage(conn));
    PQfinish(conn);
    return Error{message};
  }
  // Server notices ("relation ... already exists, skipping") would go to stderr, which holds
  // the structured log: drop them.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  if (PQsetnonblocking(conn, 1) != 0) {
    std::string message = OneLine(PQerrorMessage(conn));
    PQfinish(conn);
    return Error{message};
  }
  conn_ = conn;
  return Status();
}

PostgresResult PostgresConnection::Exec(std::string_view sql,
                                        const std::vector<std::string>& params,
                                        Clock::time_point deadline) {
  PostgresResult out;
  auto broken = [&](std::string message) {
    Close();
    out.ok = false;
    out.broken = true;
    out.message = std::move(message);
    return std::move(out);
  };
  if (conn_ == nullptr) return broken("not connected");

  const std::string text(sql);
  int sent = 0;
  if (params.empty()) {
    sent = PQsendQuery(conn_, text.c_str());
  } else {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const std::string& p : params) values.push_back(p.c_str());
    sent = PQsendQueryParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0);
  }
  if (sent == 0) return broken(OneLine(PQerrorMessage(conn_)));

  // Send everything (non-blocking mode: PQflush returns 1 while data remains).
  for (;;) {
    const int flushed = PQflush(conn_);
    if (flushed == 0) break;
    if (flushed < 0) return broken(OneLine(PQerrorMessage(conn_)));
    if (!WaitSocket(conn_, POLLOUT | POLLIN, deadline)) {
      return broken("timed out sending a statement to PostgreSQL");
    }
    if (PQconsumeInput(conn_) == 0) return broken(OneLine(PQerrorMessage(conn_)));
  }

  // Read every result; the statement's outcome is the last one (or the first error).
  bool failed = false;
  for (;;) {
    while (PQisBusy(conn_) != 0) {
      if (!WaitSocket(conn_, POLLIN, deadline)) {
        return broken("timed out waiting for PostgreSQL to answer");
      }
      if (PQconsumeInput(conn_) == 0) return broken(OneLine(PQerrorMessage(conn_)));
    }
    PGresult* result = PQgetResult(conn_);
    if (result == nullptr) break;
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      if (!failed) {
        out.rows.clear();
        const int rows = PQntuples(result);
        const int columns = PQnfields(result);
        out.rows.reserve(static_cast<size_t>(rows));
        for (int r = 0; r < rows; ++r) {
          std::vector<std::optional<std::string>> row;
          row.reserve(static_cast<size_t>(columns));
          for (int c = 0; c < columns; ++c) {
            if (PQgetisnull(result, r, c) != 0) {
              row.emplace_back(std::nullopt);
            } else {
              row.emplace_back(std::string(PQgetvalue(result, r, c),
                                           static_cast<size_t>(PQgetlength(result, r, c))));
            }
          }
          out.rows.push_back(std::move(row));
        }
        const char* tuples = PQcmdTuples(result);
        out.affected = tuples != nullptr ? std::strtoull(tuples, nullptr, 10) : 0;
      }
    } else if (!failed) {
      failed = true;
      const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
      out.sqlstate = state != nullptr ? state : "";
      const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
      out.message = OneLine(primary != nullptr ? primary : PQresultErrorMessage(result));
    }
    PQclear(result);
  }
  if (PQstatus(conn_) != CONNECTION_OK) {
    return broken(failed ? out.message : OneLine(PQerrorMessage(conn_)));
  }
  out.ok = !failed;
  return out;
}

}  // namespace shadowdiff
