// RequestTransaction and Nested: one database transaction per HTTP request, always rolled
// back in shadow mode (rollback.h); and IsTransactionControl, the guard in front of Exec.
#include <libpq-fe.h>
#include <openssl/rand.h>

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/rollback/rollback.h"

namespace shadowdiff::rollback {
namespace {

// The transaction-local setting that identifies the request's transaction (see Finish).
constexpr char kMarkerSetting[] = "shadowdiff.request_marker";
// In shadow mode, a savepoint taken right after the marker is set. Finish rolls back to it
// when the transaction is aborted, so that the marker can be read again (an aborted
// transaction runs no queries) and so that only the transaction Begin opened can be
// confirmed: in any other transaction this savepoint does not exist.
constexpr char kRequestSavepoint[] = "shadowdiff_request";

std::string Trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return message;
}

std::string ConnectionMessage(PGconn* conn) { return Trimmed(PQerrorMessage(conn)); }

// The error of a failed statement: the server's message, else the connection's.
std::string FailureMessage(PGconn* conn, const PGresult* result) {
  std::string message = result != nullptr ? Trimmed(PQresultErrorMessage(result)) : "";
  if (message.empty()) message = ConnectionMessage(conn);
  if (message.empty() && result != nullptr) message = PQresStatus(PQresultStatus(result));
  return message;
}

// Owns a PGresult for the span of one function.
class ResultGuard {
 public:
  explicit ResultGuard(PGresult* result) : result_(result) {}
  ResultGuard(const ResultGuard&) = delete;
  ResultGuard& operator=(const ResultGuard&) = delete;
  ~ResultGuard() {
    if (result_ != nullptr) PQclear(result_);
  }
  PGresult* get() const { return result_; }
  PGresult* release() { return std::exchange(result_, nullptr); }

 private:
  PGresult* result_;
};

// Consumes whatever results of the current command libpq still holds.
void DrainResults(PGconn* conn) {
  while (PGresult* more = PQgetResult(conn)) PQclear(more);
}

Result<std::string> RandomMarker() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Error{"cannot draw a random request marker: OpenSSL's RAND_bytes failed"};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : bytes) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 0xF]);
  }
  return hex;
}

// ---- IsTransactionControl: a lexer for the first keyword, after PostgreSQL's scan.l ------

bool IsSpace(char c) {
  // PostgreSQL's lexer whitespace ([ \t\n\r\f], plus \v since 16): skipping a superset is
  // safe, since the server rejects what it does not consider whitespace.
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsIdentStart(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u >= 0x80;
}

bool IsIdentContinue(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '$'; }

// Skips whitespace, `--` comments, nested `/* */` comments and empty statements (`;`: the
// server drops them, so ";COMMIT" is one statement). Returns the index of the next
// character, or sql.size().
size_t SkipToToken(std::string_view sql, size_t i) {
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (IsSpace(c) || c == ';') {
      ++i;
    } else if (c == '-' && next == '-') {
      i = sql.find_first_of("\n\r", i);
      if (i == std::string_view::npos) return sql.size();
    } else if (c == '/' && next == '*') {
      int depth = 1;
      i += 2;
      while (i < sql.size() && depth > 0) {
        if (sql[i] == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (sql[i] == '*' && i + 1 < sql.size() && sql[i + 1] == '/') {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      }
    } else {
      break;
    }
  }
  return i;
}

// The identifier or keyword at `i` in ASCII lower case ("" when none starts there); `end`
// receives the index after it.
std::string WordAt(std::string_view sql, size_t i, size_t* end) {
  std::string word;
  if (i < sql.size() && IsIdentStart(sql[i])) {
    while (i < sql.size() && IsIdentContinue(sql[i])) {
      const char c = sql[i++];
      word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
  }
  *end = i;
  return word;
}

}  // namespace

bool IsTransactionControl(std::string_view sql) {
  size_t end = 0;
  const std::string first = WordAt(sql, SkipToToken(sql, 0), &end);
  // COMMIT and ROLLBACK also cover COMMIT PREPARED, ROLLBACK PREPARED, ROLLBACK TO SAVEPOINT;
  // START is only START TRANSACTION.
  for (std::string_view keyword :
       {"begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release"}) {
    if (first == keyword) return true;
  }
  if (first == "prepare") {
    // PREPARE TRANSACTION 'gid', not PREPARE name AS statement. (A prepared statement named
    // "transaction" is refused too: the safe side.)
    return WordAt(sql, SkipToToken(sql, end), &end) == "transaction";
  }
  return false;
}

// ---- RequestTransaction --------------------------------------------------------------------

Result<std::unique_ptr<RequestTransaction>> RequestTransaction::Begin(
    Connection& connection, const ShadowContext& shadow, const ServiceOptions& options) {
  PGconn* conn = connection.get();
  if (!connection.healthy()) {
    return Error{"cannot begin the request's transaction: the database connection is broken" +
                 (conn != nullptr ? " (" + ConnectionMessage(conn) + ")" : std::string()) +
                 "; reconnect"};
  }
  if (PQtransactionStatus(conn) != PQTRANS_IDLE) {
    return Error{
        "cannot begin the request's transaction: the connection is already inside a "
        "transaction (an earlier user of the connection left it open); roll it back "
        "or use another connection"};
  }
  // Not make_unique: the constructor is private.
  std::unique_ptr<RequestTransaction> tx(new RequestTransaction(conn, shadow));
  if (Status begun = tx->Simple("BEGIN"); !begun.ok()) {
    tx->finished_ = true;  // nothing to roll back
    return Error{"cannot begin the request's transaction: " + begun.error().message};
  }
  if (!shadow.is_shadow()) return tx;

  // Shadow mode: the marker, the timeouts, then the savepoint Finish may roll back to. On
  // failure the destructor rolls the transaction back.
  Result<std::string> marker = RandomMarker();
  if (!marker.ok()) return std::move(marker).error();
  tx->marker_ = std::move(*marker);
  std::string sql = "SELECT set_config('" + std::string(kMarkerSetting) + "', $1, true)";
  std::vector<Param> params = {tx->marker_};
  auto add_setting = [&](const char* name, int milliseconds) {
    if (milliseconds <= 0) return;  // leave the server's setting
    params.emplace_back(std::to_string(milliseconds) + "ms");
    sql +=
        ", set_config('" + std::string(name) + "', $" + std::to_string(params.size()) + ", true)";
  };
  add_setting("lock_timeout", options.shadow_lock_timeout_ms);
  add_setting("statement_timeout", options.shadow_statement_timeout_ms);
  if (Result<Rows> set = tx->Exec(sql, params); !set.ok()) {
    return Error{"cannot prepare the shadow request's transaction: " + set.error().message};
  }
  if (Status saved = tx->Simple(std::string("SAVEPOINT ") + kRequestSavepoint); !saved.ok()) {
    return Error{"cannot prepare the shadow request's transaction: " + saved.error().message};
  }
  return tx;
}

RequestTransaction::~RequestTransaction() {
  if (!finished_) (void)Finish(false);
}

Status RequestTransaction::Simple(const std::string& sql) {
  ResultGuard result(PQexec(conn_, sql.c_str()));
  if (result.get() == nullptr || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return Error{sql + " failed: " + FailureMessage(conn_, result.get())};
  }
  return Status();
}

Result<Rows> RequestTransaction::Exec(std::string_view sql, const std::vector<Param>& params) {
  if (finished_) {
    return Error{
        "Exec after Finish: the request's transaction has already ended; run all "
        "statements before Finish"};
  }
  if (sql.find('\0') != std::string_view::npos) {
    return Error{"refused statement: the SQL contains a NUL byte (libpq would cut it there)"};
  }
  if (IsTransactionControl(sql)) {
    return Error{
        "refused transaction-control statement (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, "
        "...): the request's transaction belongs to RequestTransaction; use Nest() "
        "for a nested unit of work and Finish() to end the request"};
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i] && params[i]->find('\0') != std::string::npos) {
      return Error{"refused statement: parameter $" + std::to_string(i + 1) +
                   " contains a NUL byte, which PostgreSQL text cannot hold (use bytea hex)"};
    }
    values.push_back(params[i] ? params[i]->c_str() : nullptr);
  }
  const std::string statement(sql);
  // The extended protocol: exactly one statement, text parameters, text results.
  ResultGuard result(PQexecParams(conn_, statement.c_str(), static_cast<int>(values.size()),
                                  nullptr, values.data(), nullptr, nullptr, 0));
  if (result.get() == nullptr) {
    return Error{"statement failed: " + ConnectionMessage(conn_)};
  }
  switch (PQresultStatus(result.get())) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
      return Rows(result.release());
    case PGRES_EMPTY_QUERY:
      return Error{"statement failed: the SQL is empty (only whitespace or comments)"};
    case PGRES_COPY_IN:
      // Abort the COPY; the server reports an error and the transaction is aborted.
      PQputCopyEnd(conn_, "COPY FROM STDIN is not supported by RequestTransaction::Exec");
      DrainResults(conn_);
      return Error{
          "refused COPY FROM STDIN: Exec does not stream COPY data (the COPY was "
          "aborted); use INSERT with parameters"};
    case PGRES_COPY_OUT: {
      // Read and discard the data so that the connection is usable again.
      char* buffer = nullptr;
      while (PQgetCopyData(conn_, &buffer, 0) > 0) PQfreemem(buffer);
      DrainResults(conn_);
      return Error{
          "refused COPY TO STDOUT: Exec does not stream COPY data (the output was "
          "discarded); use SELECT"};
    }
    default:
      return Error{"statement failed: " + FailureMessage(conn_, result.get())};
  }
}

Result<Nested> RequestTransaction::Nest() {
  if (finished_) {
    return Error{"Nest after Finish: the request's transaction has already ended"};
  }
  std::string name = "sp_" + std::to_string(++next_savepoint_);
  if (Status saved = Simple("SAVEPOINT " + name); !saved.ok()) {
    return Error{"cannot open a nested unit of work: " + saved.error().message};
  }
  return Nested(this, std::move(name));
}

Finished RequestTransaction::Finish(bool success) {
  Finished end;
  if (finished_) {
    end.error = "Finish called twice: the request's transaction had already ended";
    return end;
  }
  finished_ = true;

  if (!is_shadow()) {
    switch (PQtransactionStatus(conn_)) {
      case PQTRANS_INTRANS:
      case PQTRANS_INERROR:
        break;
      default:
        end.error =
            "the request's transaction was no longer open at Finish (it was ended "
            "outside RequestTransaction, or the connection broke): nothing was "
            "committed or rolled back by Finish";
        return end;
    }
    if (success) {
      ResultGuard result(PQexec(conn_, "COMMIT"));
      const bool command_ok =
          result.get() != nullptr && PQresultStatus(result.get()) == PGRES_COMMAND_OK;
      if (command_ok && std::string_view(PQcmdStatus(result.get())) == "COMMIT") {
        end.committed = true;
      } else if (command_ok) {
        // COMMIT of an aborted transaction answers ROLLBACK.
        end.rolled_back = true;
        end.error =
            "COMMIT rolled the transaction back instead: a statement of the request "
            "had failed (the transaction was aborted)";
      } else {
        // A failed COMMIT (e.g. a deferred constraint) ends the transaction with a rollback.
        end.rolled_back = PQtransactionStatus(conn_) == PQTRANS_IDLE;
        end.error = "COMMIT failed: " + FailureMessage(conn_, result.get());
      }
      return end;
    }
    Status rolled = Simple("ROLLBACK");
    end.rolled_back = rolled.ok();
    if (!rolled.ok()) end.error = rolled.error().message;
    return end;
  }

  // Shadow mode: prove that the open transaction is the one Begin opened, then roll back.
  std::string unproven;
  PGTransactionStatusType status = PQtransactionStatus(conn_);
  if (status == PQTRANS_INERROR) {
    // Aborted (a statement failed). Only Begin's transaction has the request savepoint;
    // rolling back to it makes the transaction usable again for the marker check below.
    if (Status back = Simple(std::string("ROLLBACK TO SAVEPOINT ") + kRequestSavepoint);
        !back.ok()) {
      unproven =
          "the aborted transaction does not have the request's savepoint: " + back.error().message;
    }
    status = PQtransactionStatus(conn_);
  }
  if (unproven.empty()) {
    if (status != PQTRANS_INTRANS) {
      unproven =
          "the request's transaction was no longer open at Finish (it was ended "
          "outside RequestTransaction, or the connection broke)";
    } else {
      const std::string query =
          "SELECT current_setting('" + std::string(kMarkerSetting) + "', true)";
      ResultGuard result(
          PQexecParams(conn_, query.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0));
      if (result.get() == nullptr || PQresultStatus(result.get()) != PGRES_TUPLES_OK ||
          PQntuples(result.get()) != 1) {
        unproven = "cannot read the request marker: " + FailureMessage(conn_, result.get());
      } else if (PQgetisnull(result.get(), 0, 0) ||
                 std::string_view(PQgetvalue(result.get(), 0, 0)) != marker_) {
        unproven =
            "the open transaction is not the one Begin opened (the request marker "
            "differs: the request's transaction was ended and another begun outside "
            "RequestTransaction)";
      }
    }
  }

  status = PQtransactionStatus(conn_);
  if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR) {
    Status rolled = Simple("ROLLBACK");
    end.rolled_back = rolled.ok() && PQtransactionStatus(conn_) == PQTRANS_IDLE;
    if (!rolled.ok() && unproven.empty()) unproven = rolled.error().message;
  }
  if (!unproven.empty()) {
    end.error = "not confirming the shadow rollback: " + unproven;
  } else if (end.rolled_back) {
    end.response_headers.emplace_back(std::string(kRolledBackHeader), shadow_.shadow_id());
  } else {
    end.error = "not confirming the shadow rollback: ROLLBACK did not end the transaction";
  }
  return end;
}

// ---- Nested --------------------------------------------------------------------------------

Nested::Nested(Nested&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      name_(std::move(other.name_)),
      done_(other.done_) {}

Nested::~Nested() {
  if (owner_ == nullptr || done_ || owner_->finished_) return;
  // Errors cannot be reported from here: if these fail, the request's transaction stays
  // aborted and its later statements fail, which the handler sees.
  (void)owner_->Simple("ROLLBACK TO SAVEPOINT " + name_);
  (void)owner_->Simple("RELEASE SAVEPOINT " + name_);
}

Status Nested::Commit() {
  if (owner_ == nullptr || done_) {
    return Error{"Nested::Commit on a nested unit of work that has already ended"};
  }
  if (owner_->finished_) {
    return Error{"Nested::Commit after Finish: the request's transaction has already ended"};
  }
  if (Status released = owner_->Simple("RELEASE SAVEPOINT " + name_); !released.ok()) {
    // E.g. the transaction is aborted: the destructor still rolls back to the savepoint.
    return Error{"cannot commit the nested unit of work: " + released.error().message};
  }
  done_ = true;
  return Status();
}

}  // namespace shadowdiff::rollback
